package wsgate_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layer is a package's place in the import order: a package may import its
// own layer and those below it, never one above.
//
//	root <- internal, migrations <- functions <- services, files
//	     <- protocols, discovery, admin, components, web <- cmd, packaging
func layer(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "wsgate")
	if !ok || (rest != "" && rest[0] != '/') {
		return 0, false // not ours
	}
	top, _, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	switch top {
	case "":
		return 0, true
	case "internal", "migrations":
		return 1, true
	case "functions":
		return 2, true
	case "services", "files":
		return 3, true
	case "protocols", "discovery", "admin", "components", "web":
		return 4, true
	case "cmd", "packaging":
		return 5, true
	}
	return -1, true
}

// TestImportsGoOneWay fails when a product package (tests aside) imports one
// above it in the order, when anything imports cmd, or when a new top-level folder is not
// given a place in the order.
func TestImportsGoOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	checked := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		path := p.ImportPath
		from, ours := layer(path)
		if !ours {
			continue
		}
		if from < 0 {
			t.Errorf("%s: top-level folder has no place in the import order (see layer)", path)
			continue
		}
		checked++
		for _, imp := range p.Imports {
			to, ours := layer(imp)
			if !ours || imp == path {
				continue
			}
			if strings.HasPrefix(imp, "wsgate/cmd") && !strings.HasPrefix(path, "wsgate/cmd") {
				t.Errorf("%s imports %s: nothing imports cmd", path, imp)
			}
			if to > from {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go one way", path, from, imp, to)
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list returned no package of this module")
	}
}
