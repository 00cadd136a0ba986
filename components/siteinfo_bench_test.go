package components_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// BenchmarkSiteInfoProtocols is one get_site_info request over each
// protocol through its server and the pipeline, in process (no sockets,
// no call log), once the cache is warm; for allocation profiles
// (-memprofile) of the protocols' own decoding and encoding.
func BenchmarkSiteInfoProtocols(b *testing.B) {
	g := newGateway(b, dbtest.Open(b, db.SQLite, true))
	srv := g.serve()
	h := srv.Config.Handler
	for _, r := range siteInfoRequests {
		b.Run(strings.ReplaceAll(r.name, " ", "_"), func(b *testing.B) {
			sep := "&"
			if strings.HasSuffix(r.path, "?") {
				sep = ""
			}
			url := r.path + sep + "wstoken=" + g.tokens["admin"]
			do := func() {
				req := httptest.NewRequest(r.method, url, strings.NewReader(r.body))
				if r.contentType != "" {
					req.Header.Set("Content-Type", r.contentType)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Firstadmin") {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
			do()
			b.ReportAllocs()
			for b.Loop() {
				do()
			}
		})
	}
}
