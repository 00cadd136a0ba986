package files_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"wsgate/files"
	"wsgate/internal/db/dbtest"
)

// BenchmarkStageAndRead: 8 MiB staged, recorded and read back, on each
// backend and dialect (the postgres backend's chunked bytea against the disk).
func BenchmarkStageAndRead(b *testing.B) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16)
	for _, dialect := range dbtest.Dialects() {
		for _, name := range []string{"disk", "chunks"} {
			b.Run(string(dialect)+"/"+name, func(b *testing.B) {
				d := dbtest.Open(b, dialect, true)
				var backend files.Backend = files.NewChunks(d)
				if name == "disk" {
					disk, err := files.NewDisk(b.TempDir())
					if err != nil {
						b.Fatal(err)
					}
					backend = disk
				}
				s := files.NewStore(d, backend)
				ctx := context.Background()
				b.SetBytes(int64(len(content)))
				for i := range b.N {
					content[0] = byte(i) // a new content each time: no deduplication
					content[1] = byte(i >> 8)
					st, err := s.Stage(ctx, bytes.NewReader(content), 1<<30)
					if err != nil {
						b.Fatal(err)
					}
					added, _, err := s.Add(ctx, []files.NewFile{{Record: files.Record{Area: files.DraftArea(1, int64(i+1)),
						FilePath: "/", FileName: "f"}, Content: st}}, files.AddOptions{})
					if err != nil {
						b.Fatal(err)
					}
					f, err := s.Open(ctx, added[0])
					if err != nil {
						b.Fatal(err)
					}
					if n, _ := io.Copy(io.Discard, f); n != int64(len(content)) {
						b.Fatalf("read %d", n)
					}
					f.Close()
				}
			})
		}
	}
}
