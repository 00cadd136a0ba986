package services_test

import (
	"sync/atomic"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// BenchmarkAuthorize measures an allowed call served from the cache, with
// 1,000 tokens shared by parallel callers, a restricted service and a
// function capability to check.
func BenchmarkAuthorize(b *testing.B) {
	d := dbtest.Open(b, db.SQLite, true)
	e := newEnv(b, d, services.AuthorizerOptions{})
	m := e.make("bench", restricted, authorised("192.0.2.0/24", 0), withCaps("mod/x:view"), call("core_capped"))
	reqs := bulkTokens(b, e, m, 1000)
	for _, r := range reqs {
		if _, err := e.a.Authorize(e.ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	before := e.queries.Load()
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := next.Add(7919)
		for pb.Next() {
			i++
			if _, err := e.a.Authorize(e.ctx, reqs[i%uint64(len(reqs))]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if q := e.queries.Load() - before; q != 0 {
		b.Errorf("%d queries during the benchmark", q)
	}
}
