package files_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/files"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// backends runs fn on every backend over every dialect to test.
func backends(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, dialect := range dbtest.Dialects() {
		for _, name := range []string{"disk", "chunks"} {
			t.Run(string(dialect)+"/"+name, func(t *testing.T) {
				d := dbtest.Open(t, dialect, true)
				e := &env{t: t, db: d}
				var b files.Backend = files.NewChunks(d)
				if name == "disk" {
					e.dir = t.TempDir()
					disk, err := files.NewDisk(e.dir)
					if err != nil {
						t.Fatal(err)
					}
					b = disk
				}
				e.store = files.NewStore(d, b)
				fn(t, e)
			})
		}
	}
}

type env struct {
	t     *testing.T
	db    *db.DB
	dir   string // the disk backend's directory; "" for chunks
	store *files.Store
}

// state lists everything the store holds: files rows, contents and their
// reference counts, chunk rows and files on disk.
func (e *env) state() string {
	e.t.Helper()
	var parts []string
	q := func(query string) {
		rows, err := e.db.QueryContext(context.Background(), query)
		if err != nil {
			e.t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				e.t.Fatal(err)
			}
			parts = append(parts, a+"="+b)
		}
	}
	q(`SELECT filearea || ':' || filepath || filename, contenthash FROM files ORDER BY 1`)
	q(`SELECT 'content:' || contenthash, refcount FROM file_contents ORDER BY 1`)
	q(`SELECT 'chunk:' || contentkey, seq FROM file_chunks ORDER BY 1, 2`)
	if e.dir != "" {
		var disk []string
		_ = filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(e.dir, p)
				disk = append(disk, "disk:"+filepath.ToSlash(rel))
			}
			return nil
		})
		sort.Strings(disk)
		parts = append(parts, disk...)
	}
	return strings.Join(parts, " ")
}

func (e *env) add(area files.Area, name, content string, opts files.AddOptions) ([]files.Record, []int, error) {
	e.t.Helper()
	st, err := e.store.Stage(context.Background(), strings.NewReader(content), 1<<30)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.store.Add(context.Background(), []files.NewFile{{Record: files.Record{Area: area, FilePath: "/",
		FileName: name, UserID: area.ContextID, MimeType: files.MimeType(name)}, Content: st}}, opts)
}

func (e *env) read(r files.Record) string {
	e.t.Helper()
	f, err := e.store.Open(context.Background(), r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

const helloSHA1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d" // sha1("hello")

func TestContentsAreSharedAndCounted(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		a := files.DraftArea(2, 7)
		one, _, err := e.add(a, "a.txt", "hello", files.AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		two, _, err := e.add(a, "b.txt", "hello", files.AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if one[0].ContentHash != helloSHA1 || e.read(two[0]) != "hello" {
			t.Fatalf("hash %s, content %q", one[0].ContentHash, e.read(two[0]))
		}
		if s := e.state(); !strings.Contains(s, "content:"+helloSHA1+"=2") || strings.Count(s, helloSHA1) != 4 {
			t.Fatalf("one content referenced twice expected: %s", s)
		}
		if err := e.store.Delete(context.Background(), one[0].ID); err != nil {
			t.Fatal(err)
		}
		if e.read(two[0]) != "hello" {
			t.Fatal("content gone with its first file")
		}
		if err := e.store.Delete(context.Background(), two[0].ID); err != nil {
			t.Fatal(err)
		}
		if s := e.state(); s != "" {
			t.Fatalf("after the last delete the store holds: %s", s)
		}
	})
}

func TestStageRefusesPastTheLimit(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		for _, size := range []int{11, files.ChunkSize + 1, 3 * files.ChunkSize} {
			_, err := e.store.Stage(context.Background(), bytes.NewReader(make([]byte, size)), 10)
			if !errors.Is(err, files.ErrTooLarge) {
				t.Fatalf("size %d: %v, want ErrTooLarge", size, err)
			}
			if s := e.state(); s != "" {
				t.Fatalf("size %d: a refused content left %s", size, s)
			}
		}
		st, err := e.store.Stage(context.Background(), strings.NewReader("0123456789"), 10)
		if err != nil || st.Size != 10 {
			t.Fatalf("exactly the limit: %v", err)
		}
		e.store.Discard(st)
		if s := e.state(); s != "" {
			t.Fatalf("a discarded content left %s", s)
		}
	})
}

func TestTakenPathAddsNothing(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		a := files.DraftArea(2, 7)
		if _, _, err := e.add(a, "a.txt", "hello", files.AddOptions{}); err != nil {
			t.Fatal(err)
		}
		before := e.state()
		added, taken, err := e.add(a, "a.txt", "other", files.AddOptions{})
		if err != nil || len(added) != 0 || len(taken) != 1 {
			t.Fatalf("added %v taken %v err %v", added, taken, err)
		}
		if s := e.state(); s != before {
			t.Fatalf("store changed:\n%s\n%s", before, s)
		}
	})
}

func TestQuotaRefusesTheWholeAdd(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		a := files.DraftArea(2, 7)
		if _, _, err := e.add(a, "a.txt", "hello", files.AddOptions{QuotaUser: 2, Quota: 8}); err != nil {
			t.Fatal(err)
		}
		before := e.state()
		_, _, err := e.add(a, "b.txt", "more", files.AddOptions{QuotaUser: 2, Quota: 8})
		if !errors.Is(err, files.ErrQuota) {
			t.Fatalf("err %v, want ErrQuota", err)
		}
		if s := e.state(); s != before {
			t.Fatalf("store changed:\n%s\n%s", before, s)
		}
	})
}

func TestMoveReplacesAndKeepsContents(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		draft, private := files.DraftArea(2, 7), files.Area{ContextID: 2, Component: "user", FileArea: "private"}
		mustAdd := func(a files.Area, name, content string) {
			if _, _, err := e.add(a, name, content, files.AddOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		mustAdd(private, "a.txt", "old")
		mustAdd(private, "keep.txt", "kept")
		mustAdd(draft, "a.txt", "new")
		moved, err := e.store.Move(context.Background(), draft, private, files.MoveOptions{})
		if err != nil || len(moved) != 1 {
			t.Fatalf("moved %v, %v", moved, err)
		}
		got, err := e.store.Get(context.Background(), private, "/", "a.txt")
		if err != nil || e.read(got) != "new" {
			t.Fatalf("private a.txt: %v", err)
		}
		list, _ := e.store.List(context.Background(), private)
		if len(list) != 2 {
			t.Fatalf("private holds %d files", len(list))
		}
		if s := e.state(); strings.Contains(s, "draft:") || strings.Count(s, "content:") != 2 {
			t.Fatalf("old content not removed or draft not empty: %s", s)
		}
	})
}

func TestSweepRemovesOldDrafts(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		now := time.Unix(1_800_000_000, 0)
		e.store.SetClock(func() time.Time { return now })
		if _, _, err := e.add(files.DraftArea(2, 1), "old.txt", "old", files.AddOptions{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * 24 * time.Hour)
		if _, _, err := e.add(files.DraftArea(2, 2), "new.txt", "new", files.AddOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.add(files.Area{ContextID: 2, Component: "user", FileArea: "private"}, "p.txt", "old", files.AddOptions{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * 24 * time.Hour)
		n, ran, err := e.store.SweepDrafts(context.Background(), 4*24*time.Hour)
		if err != nil || !ran || n != 1 {
			t.Fatalf("removed %d, ran %v, %v", n, ran, err)
		}
		s := e.state()
		if strings.Contains(s, "old.txt") || !strings.Contains(s, "new.txt") || !strings.Contains(s, "p.txt") {
			t.Fatalf("after the sweep: %s", s)
		}
	})
}

// A deleted user's files, whatever their area, go at the next sweep; a
// live user's stay.
func TestSweepRemovesDeletedUsersFiles(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, name := range []string{"gone", "kept"} {
			if _, err := e.db.ExecContext(ctx, `INSERT INTO users (username) VALUES ($1)`, name); err != nil {
				t.Fatal(err)
			}
		}
		var gone, kept int64
		if err := e.db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'gone'`).Scan(&gone); err != nil {
			t.Fatal(err)
		}
		if err := e.db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kept'`).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{gone, kept} {
			for _, a := range []files.Area{files.DraftArea(id, 1), {ContextID: id, Component: "user", FileArea: "private"}} {
				if _, _, err := e.add(a, fmt.Sprintf("u%d-%s.txt", id, a.FileArea), fmt.Sprint("of ", id), files.AddOptions{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := e.db.ExecContext(ctx, `UPDATE users SET deleted = TRUE WHERE id = $1`, gone); err != nil {
			t.Fatal(err)
		}
		n, ran, err := e.store.SweepDrafts(ctx, 4*24*time.Hour)
		if err != nil || !ran || n != 2 {
			t.Fatalf("removed %d, ran %v, %v; want 2", n, ran, err)
		}
		if used, err := e.store.Usage(ctx, gone); err != nil || used != 0 {
			t.Errorf("the deleted user still holds %d bytes (%v)", used, err)
		}
		if left, err := e.store.UserFiles(ctx, kept); err != nil || len(left) != 2 {
			t.Errorf("the live user holds %d files (%v), want 2", len(left), err)
		}
		if s := e.state(); strings.Contains(s, fmt.Sprintf("u%d-", gone)) {
			t.Errorf("after the sweep: %s", s)
		}
	})
}

func TestChunkReaderSeeks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := files.NewStore(d, files.NewChunks(d))
		content := make([]byte, 2*files.ChunkSize+100)
		for i := range content {
			content[i] = byte(i * 7)
		}
		st, err := s.Stage(context.Background(), bytes.NewReader(content), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		added, _, err := s.Add(context.Background(), []files.NewFile{{Record: files.Record{Area: files.DraftArea(1, 1),
			FilePath: "/", FileName: "big"}, Content: st}}, files.AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Open(context.Background(), added[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{0, files.ChunkSize - 3, files.ChunkSize, 2*files.ChunkSize + 99} {
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 10)
			n, _ := io.ReadFull(f, buf)
			if !bytes.Equal(buf[:n], content[off:min(off+10, int64(len(content)))]) {
				t.Fatalf("at %d: read differs", off)
			}
		}
	})
}

// TestDeleteRacesUpload: the last file of a content is deleted while a new
// file of the same content is added; the new file's content is always there.
func TestDeleteRacesUpload(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for i := range 20 {
			content := fmt.Sprintf("shared %d", i)
			old, _, err := e.add(files.DraftArea(2, int64(i)), "old", content, files.AddOptions{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := e.store.Stage(ctx, strings.NewReader(content), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var added []files.Record
			var addErr, delErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				added, _, addErr = e.store.Add(ctx, []files.NewFile{{Record: files.Record{Area: files.DraftArea(3, int64(i)),
					FilePath: "/", FileName: "new"}, Content: st}}, files.AddOptions{})
			}()
			go func() { defer wg.Done(); delErr = e.store.Delete(ctx, old[0].ID) }()
			wg.Wait()
			if addErr != nil || delErr != nil {
				t.Fatalf("add %v, delete %v", addErr, delErr)
			}
			if got := e.read(added[0]); got != content {
				t.Fatalf("round %d: the new file reads %q", i, got)
			}
		}
	})
}

// TestQuotaHoldsUnderConcurrentAdds sends many uploads of one user at once,
// each alone within the quota and any two together above it: exactly one
// may be added, whatever the dialect's transaction isolation.
func TestQuotaHoldsUnderConcurrentAdds(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const n = 8
		a := files.DraftArea(2, 9)
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			st, err := e.store.Stage(context.Background(), strings.NewReader(fmt.Sprintf("content %d.", i)), 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = e.store.Add(context.Background(), []files.NewFile{{Record: files.Record{Area: a,
					FilePath: "/", FileName: fmt.Sprintf("f%d.txt", i), UserID: 2}, Content: st}},
					files.AddOptions{QuotaUser: 2, Quota: 15})
			}()
		}
		wg.Wait()
		added := 0
		for i, err := range errs {
			switch {
			case err == nil:
				added++
			case !errors.Is(err, files.ErrQuota):
				t.Errorf("add %d: %v, want nil or ErrQuota", i, err)
			}
		}
		if added != 1 {
			t.Fatalf("%d adds of 10 bytes each went through a quota of 15 bytes, want 1", added)
		}
		if used, err := e.store.Usage(context.Background(), 2); err != nil || used != 10 {
			t.Fatalf("usage %d, %v; want 10", used, err)
		}
	})
}
