package files_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// FuzzUpload feeds upload.php arbitrary bodies: the answer is always
// Moodle's JSON (a list or an error), never a 500, and the store stays
// whole: no staged content left, every record's content present and counted.
func FuzzUpload(f *testing.F) {
	const boundary = "fuzzboundary"
	seed := func(parts ...part) {
		_, b := bodyWith(boundary, parts...)
		f.Add(b)
	}
	seed(file("f", "a.txt", "hello"))
	seed(field("filepath", "/x/"), file("f", "a.txt", "hello"), file("g", "b.txt", strings.Repeat("b", 300)))
	seed(file("f", "../a", "x"))
	seed(field("itemid", "5"), file("f", "big", strings.Repeat("z", 2000)))
	f.Add([]byte("--fuzzboundary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nabc"))
	f.Add([]byte("--fuzzboundary--\r\n"))
	e := newEnv(f, dbtest.Open(f, db.SQLite, true))
	e.upload.MaxBytes = 1000
	e.upload.MaxFiles = 5
	u := e.newUser("fuzz", true, true)
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := http.Post(e.srv.URL+"/webservice/upload.php?token="+u.token, "multipart/form-data; boundary="+boundary,
			bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (!bytes.HasPrefix(out.Bytes(), []byte("[")) && !bytes.HasPrefix(out.Bytes(), []byte(`{"error":`))) {
			t.Fatalf("%d %s", resp.StatusCode, out.String())
		}
		e.checkWhole(t)
	})
}

// checkWhole fails t unless every content is counted right and on disk, and nothing is staged.
func (e *env) checkWhole(t testing.TB) {
	t.Helper()
	var bad int
	err := e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM file_contents c WHERE c.refcount <>
		(SELECT COUNT(*) FROM files f WHERE f.contenthash = c.contenthash)`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Fatalf("%d contents counted wrong (%v)", bad, err)
	}
	if s := e.stateT(t); strings.Contains(s, "disk:tmp/") || strings.Contains(s, "disk:trash/") {
		t.Fatalf("staged content left: %s", s)
	}
	if strings.Count(e.stateT(t), "content:") != strings.Count(e.stateT(t), "disk:") {
		t.Fatalf("contents and disk files differ: %s", e.stateT(t))
	}
}
