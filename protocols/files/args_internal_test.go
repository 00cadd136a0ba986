package files

import (
	"strings"
	"testing"

	"wsgate/files"
)

// FuzzFileArg: a slash argument either fails, or names a path made of plain
// names only (no "..", ".", NUL or backslash survives), with the item id it gave.
func FuzzFileArg(f *testing.F) {
	for _, s := range []string{"/5/user/draft/12/a.txt", "/5/user/draft/12/d/e/a.txt", "/5/user/icon/boost/f1",
		"/5/user/draft/12/../a", "/5/user/draft/12/%2e%2e/a", "/5/user/draft/x/a", "/-1/a/b/0/c", "//////", "/5/u\x00/d/1/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		ref, err := parseFileArg(arg)
		if err != nil {
			return
		}
		if !strings.HasPrefix(ref.filepath, "/") || !strings.HasSuffix(ref.filepath, "/") || ref.area.ContextID <= 0 {
			t.Fatalf("%q: %+v", arg, ref)
		}
		if _, err := files.CleanFilePath(ref.filepath); err != nil {
			t.Fatalf("%q: path %q passes here but not CleanFilePath: %v", arg, ref.filepath, err)
		}
		for _, s := range []string{ref.filename, ref.area.Component, ref.area.FileArea} {
			if files.CheckFileName(s) != nil {
				t.Fatalf("%q: segment %q", arg, s)
			}
		}
	})
}
