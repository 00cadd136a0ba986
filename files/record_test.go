package files_test

import (
	"testing"

	"wsgate/files"
)

// traversal are names and paths a request must not get past the checks.
var traversal = []string{"..", ".", "../x", "a/../b", "a\\b", "..\\x", "a\x00b", "\x00", "x\n", "a/b", "c:d", "", "%2e%2e", "%2E.", "a%2fb", "%00", "%252e%252e"}

func TestCheckFileNameRefusesTraversal(t *testing.T) {
	for _, name := range traversal {
		if err := files.CheckFileName(name); err == nil {
			t.Errorf("CheckFileName(%q) accepted", name)
		}
	}
	for _, name := range []string{"a.txt", "Zürich report.pdf", "..hidden", "a..b"} {
		if err := files.CheckFileName(name); err != nil {
			t.Errorf("CheckFileName(%q): %v", name, err)
		}
	}
}

func TestCleanFilePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{{"", "/"}, {"/", "/"}, {"/a", "/a/"}, {"/a/b/", "/a/b/"}} {
		if got, err := files.CleanFilePath(tc.in); err != nil || got != tc.want {
			t.Errorf("CleanFilePath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, p := range []string{"a/", "/../", "/a/../b/", "/a//b/", "/a\\b/", "/a\x00/", "/./", "//"} {
		if _, err := files.CleanFilePath(p); err == nil {
			t.Errorf("CleanFilePath(%q) accepted", p)
		}
	}
}

func TestPathnameHashIsMoodles(t *testing.T) {
	// sha1("/5/user/draft/123/a.txt")
	got := files.PathnameHash(files.Area{ContextID: 5, Component: "user", FileArea: "draft", ItemID: 123}, "/", "a.txt")
	if got != sha1hex("/5/user/draft/123/a.txt") {
		t.Fatalf("got %s", got)
	}
}
