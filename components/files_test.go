package components_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"wsgate"
	"wsgate/files"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// mobileToken enables moodle_mobile_app and gives user a token of it.
func (g *gateway) mobileToken(userID int64) string {
	g.t.Helper()
	ctx := context.Background()
	svc, err := g.store.ServiceByShortname(ctx, "moodle_mobile_app")
	if err != nil {
		g.t.Fatal(err)
	}
	if err := g.store.SetServiceEnabled(ctx, svc.ID, true); err != nil {
		g.t.Fatal(err)
	}
	tok, _, err := g.store.CreateToken(ctx, services.TokenSpec{UserID: userID, ServiceID: svc.ID})
	if err != nil {
		g.t.Fatal(err)
	}
	return tok
}

// draft stores files (name -> content) in a draft item of the user, as upload.php does.
func (g *gateway) draft(userID, item int64, names ...string) {
	g.t.Helper()
	var items []files.NewFile
	for _, n := range names {
		st, err := g.files.Stage(context.Background(), strings.NewReader("content of "+n), 1<<20)
		if err != nil {
			g.t.Fatal(err)
		}
		dir, name := "/", n
		if i := strings.LastIndex(n, "/"); i >= 0 {
			dir, name = "/"+n[:i+1], n[i+1:]
		}
		items = append(items, files.NewFile{Record: files.Record{Area: files.DraftArea(userID, item), FilePath: dir,
			FileName: name, UserID: userID, MimeType: files.MimeType(name)}, Content: st})
	}
	if _, _, err := g.files.Add(context.Background(), items, files.AddOptions{}); err != nil {
		g.t.Fatal(err)
	}
}

func TestFileFunctions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		g.tokens["mobile"] = g.mobileToken(g.admin.ID)
		uid := g.admin.ID
		item := g.mustCall("mobile", "core_files_get_unused_draft_itemid", nil).(map[string]any)["itemid"].(int64)
		if item <= 0 {
			t.Fatalf("itemid %d", item)
		}
		g.draft(uid, item, "a.txt", "sub/b.txt", "face.png")
		list := g.mustCall("mobile", "core_files_get_files", map[string]any{"contextid": uid, "component": "user",
			"filearea": "draft", "itemid": item, "filepath": "/", "filename": ""}).(map[string]any)
		got := fmt.Sprint(list["files"])
		if !strings.Contains(got, "filename:a.txt") || !strings.Contains(got, "filename:sub") || !strings.Contains(got, "isdir:true") ||
			!strings.Contains(got, fmt.Sprintf("http://gw.test/webservice/pluginfile.php/%d/user/draft/%d/a.txt", uid, item)) {
			t.Fatalf("get_files: %v", got)
		}
		// Delete one, then make the picture and keep the rest as private files.
		del := g.mustCall("mobile", "core_files_delete_draft_files", map[string]any{"draftitemid": item,
			"files": []any{map[string]any{"filepath": "/sub/", "filename": "b.txt"}}}).(map[string]any)
		if fmt.Sprint(del["parentpaths"]) != "[/sub/]" {
			t.Fatalf("delete_draft_files: %v", del)
		}
		pic := g.mustCall("mobile", "core_user_update_picture", map[string]any{"draftitemid": item}).(map[string]any)
		url, _ := pic["profileimageurl"].(string)
		if pic["success"] != true || !strings.Contains(url, fmt.Sprintf("/webservice/pluginfile.php/%d/user/icon/0/f1?rev=", uid)) {
			t.Fatalf("update_picture: %v", pic)
		}
		info := g.mustCall("mobile", "core_webservice_get_site_info", nil).(map[string]any)
		if info["userpictureurl"] != url {
			t.Fatalf("userpictureurl %v, want %s", info["userpictureurl"], url)
		}
		g.mustCall("mobile", "core_user_add_user_private_files", map[string]any{"draftid": item})
		priv, err := g.files.List(context.Background(), files.Area{ContextID: uid, Component: "user", FileArea: "private"})
		if err != nil || len(priv) != 1 || priv[0].FileName != "a.txt" {
			t.Fatalf("private files: %v %v", priv, err)
		}
		if used, _ := g.files.ItemUsed(context.Background(), files.DraftArea(uid, item)); used {
			t.Fatal("the draft item still holds files")
		}
		// Another user's area is not listed.
		_, err = g.call("mobile", "core_files_get_files", map[string]any{"contextid": uid + 100, "component": "user",
			"filearea": "private", "itemid": int64(0), "filepath": "/", "filename": ""})
		if !errors.Is(err, wsgate.ErrNoPermissions) {
			t.Fatalf("another user's files: %v", err)
		}
		// A draft without an image makes no picture and keeps the old one.
		g.draft(uid, 9, "doc.txt")
		if _, err := g.call("mobile", "core_user_update_picture", map[string]any{"draftitemid": int64(9)}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Fatalf("picture from a text file: %v", err)
		}
		if _, err := g.files.Get(context.Background(), files.Area{ContextID: uid, Component: "user", FileArea: "icon"}, "/", "f1"); err != nil {
			t.Fatalf("the old picture is gone: %v", err)
		}
	})
}
