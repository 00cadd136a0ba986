package web_test

import (
	"context"
	"strings"
	"testing"

	"wsgate/files"
)

// TestUserPageShowsFiles: a user's page lists their files and their use of the quota.
func TestUserPageShowsFiles(t *testing.T) {
	f := newFixture(t)
	u := f.users["caller"]
	st, err := f.files.Stage(context.Background(), strings.NewReader(strings.Repeat("x", 2048)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.files.Add(context.Background(), []files.NewFile{{Record: files.Record{Area: files.DraftArea(u.ID, 42),
		FilePath: "/docs/", FileName: "<report>.txt", UserID: u.ID, MimeType: "text/plain"}, Content: st}}, files.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := f.client()
	c.mustLogin("admin", adminPassword)
	page := c.get("/admin/users/" + itoa(u.ID))
	for _, want := range []string{"2.0 KiB in 1 file of a quota of 1.0 MiB (0.2%)", "user/draft", "/docs/&lt;report&gt;.txt", "text/plain"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the user page lacks %q", want)
		}
	}
	empty := c.get("/admin/users/" + itoa(f.users["reader"].ID))
	if !strings.Contains(empty.body, "0 B in 0 files of a quota of 1.0 MiB (0.0%)") {
		t.Errorf("a user without files: %s", empty.body)
	}
}
