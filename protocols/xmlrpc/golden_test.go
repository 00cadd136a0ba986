package xmlrpc_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"wsgate/protocols/xmlrpc"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestGolden(t *testing.T) {
	ts, _ := newServer(t, nil)
	tests := []struct{ file, token, function string }{
		{"response.xml", "tok", "core_webservice_get_site_info"},
		{"fault.xml", "bad", "core_webservice_get_site_info"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, body := post(t, ts.URL+xmlrpc.Path+"?wstoken="+tt.token, "text/xml", call(tt.function))
			compareGolden(t, filepath.Join("testdata", tt.file), body)
		})
	}
}

// compareGolden compares got with the file, or rewrites it with -update.
func compareGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\ngot\n%s\nwant\n%s", file, got, want)
	}
}
