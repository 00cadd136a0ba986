package migrations

import (
	"io/fs"
	"regexp"
	"sort"
	"testing"
)

var fileName = regexp.MustCompile(`^(\d{6})_[a-z0-9_]+\.(up|down)\.sql$`)

// TestDialectsMatch checks that every dialect has the same versions, each with
// an up and a down file.
func TestDialectsMatch(t *testing.T) {
	versions := map[string][]string{}
	for _, dialect := range Dialects {
		entries, err := fs.ReadDir(FS, dialect)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]map[string]bool{}
		for _, e := range entries {
			m := fileName.FindStringSubmatch(e.Name())
			if m == nil {
				t.Errorf("%s/%s: bad migration file name", dialect, e.Name())
				continue
			}
			if seen[m[1]] == nil {
				seen[m[1]] = map[string]bool{}
			}
			seen[m[1]][m[2]] = true
		}
		for v, dirs := range seen {
			if !dirs["up"] || !dirs["down"] {
				t.Errorf("%s version %s lacks an up or a down file", dialect, v)
			}
			versions[dialect] = append(versions[dialect], v)
		}
		sort.Strings(versions[dialect])
	}
	if a, b := versions["postgres"], versions["sqlite"]; len(a) != len(b) || len(a) == 0 {
		t.Fatalf("versions differ: postgres %v, sqlite %v", a, b)
	} else {
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("versions differ: postgres %v, sqlite %v", a, b)
			}
		}
	}
	for _, d := range Dialects {
		if v, err := Latest(d); err != nil || v == 0 {
			t.Errorf("Latest(%s) = %d, %v", d, v, err)
		}
	}
}
