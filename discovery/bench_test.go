package discovery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"wsgate/discovery"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// bigTree generates components manifests: 20 functions and 2 services of 10
// functions each per component (500 components: 10,000 functions, 1,000 services).
func bigTree(components int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for c := 0; c < components; c++ {
		comp := fmt.Sprintf("local_c%d", c)
		var b strings.Builder
		b.WriteString("functions:\n")
		for f := 0; f < 20; f++ {
			fmt.Fprintf(&b, "  %s_f%d:\n    classname: c\n    description: function %d\n", comp, f, f)
			b.WriteString("    parameters:\n      ids: {type: multiple, content: INT}\n      name: {type: RAW, default: x}\n")
			b.WriteString("    returns: {type: multiple, content: {type: single, keys: {id: INT, name: RAW, ok: BOOL}}}\n")
		}
		b.WriteString("services:\n")
		for s := 0; s < 2; s++ {
			fmt.Fprintf(&b, "  %s service %d:\n    shortname: %s_s%d\n    functions: [", comp, s, comp, s)
			for f := 0; f < 10; f++ {
				if f > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s_f%d", comp, s*10+f)
			}
			b.WriteString("]\n")
		}
		fsys[comp+"/db/services.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return fsys
}

func BenchmarkUpgrade(b *testing.B) {
	tree := bigTree(500)
	cat, err := discovery.Load([]discovery.Source{{Name: "bench", FS: tree}}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d functions, %d services", len(cat.Functions), len(cat.Services))
	for _, dialect := range dbtest.Dialects() {
		newSyncer := func(d *db.DB) *discovery.Syncer {
			return &discovery.Syncer{DB: d, Tables: discovery.ServicesTables(services.NewStore(d))}
		}
		b.Run(string(dialect)+"/fresh", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := dbtest.Open(b, dialect, true)
				b.StartTimer()
				if _, err := newSyncer(d).Sync(context.Background(), cat, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(dialect)+"/noop", func(b *testing.B) {
			d := dbtest.Open(b, dialect, true)
			s := newSyncer(d)
			if _, err := s.Sync(context.Background(), cat, false); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				diff, err := s.Sync(context.Background(), cat, false)
				if err != nil || !diff.Empty() {
					b.Fatalf("no-op upgrade: %v %+v", err, diff)
				}
			}
		})
	}
	b.Run("load-manifests", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := discovery.Load([]discovery.Source{{Name: "bench", FS: tree}}, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
