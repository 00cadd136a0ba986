package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// enableMobileService enables moodle_mobile_app and drops the cached policy.
func enableMobileService(t *testing.T, app *App) {
	t.Helper()
	ctx := context.Background()
	svc, err := app.store.ServiceByShortname(ctx, "moodle_mobile_app")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.SetServiceEnabled(ctx, svc.ID, true); err != nil {
		t.Fatal(err)
	}
	app.auth.Invalidate()
}

// clientUpload sends what npm moodle-client's upload() sends: a multipart
// POST to wwwroot + "/webservice/upload.php" (wwwroot ending in "/") with
// the token in the query; it returns the JSON answer.
func clientUpload(t *testing.T, wwwroot, token string, files map[string]string) []map[string]any {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, content := range files {
		w, _ := mw.CreateFormFile("file_"+name, name)
		io.WriteString(w, content)
	}
	mw.Close()
	resp, err := http.Post(wwwroot+"/webservice/upload.php?token="+token, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("upload answered %s", raw)
	}
	return list
}

// clientDownload sends what moodle-client's download() sends: GET
// wwwroot + "/webservice/pluginfile.php" with token and file in the query.
func clientDownload(t *testing.T, wwwroot, token, file string) (int, string) {
	t.Helper()
	resp, err := http.Get(wwwroot + "/webservice/pluginfile.php?" + url.Values{"token": {token}, "file": {file}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// filePath is the file= argument of an uploaded record.
func filePath(r map[string]any) string {
	return fmt.Sprintf("/%d/%s/%s/%d%s%s", int64(r["contextid"].(float64)), r["component"], r["filearea"],
		int64(r["itemid"].(float64)), r["filepath"], r["filename"])
}

func TestFilesMoodleClient(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite))
	enableMobileService(t, app)
	token := siteAdminToken(t, app, "files", "", "moodle_mobile_app")
	wwwroot := app.URL() + "/"
	list := clientUpload(t, wwwroot, token, map[string]string{"report.txt": "quarterly"})
	if len(list) != 1 || list[0]["filename"] != "report.txt" {
		t.Fatalf("upload: %v", list)
	}
	if status, body := clientDownload(t, wwwroot, token, filePath(list[0])); status != 200 || body != "quarterly" {
		t.Fatalf("download: %d %q", status, body)
	}
	// Slash arguments through the gateway's router.
	resp, err := http.Get(app.URL() + "/webservice/pluginfile.php" + filePath(list[0]) + "?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Fatalf("slash arguments: %d", resp.StatusCode)
	}
	resp, err = http.Get(app.URL() + "/webservice/pluginfile.php/1/user/draft/1/%2e%2e/%2e%2e/etc/passwd?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"errorcode":"invalidparameter"`) {
		t.Fatalf("traversal: %d %s", resp.StatusCode, b)
	}
}

// TestFilesTwoInstancesOnePostgres: a file uploaded through one gateway
// downloads from another that shares nothing with it but the database.
func TestFilesTwoInstancesOnePostgres(t *testing.T) {
	if os.Getenv(dbtest.PostgresEnv) == "" {
		t.Skip(dbtest.PostgresEnv + " is not set")
	}
	dbURL := dbtest.URL(t, db.Postgres)
	a := startApp(t, dbURL)
	b := startApp(t, dbURL, "WSGATE_COMPONENTS_UPGRADE_ON_START=false")
	if a.Config.Files.backend(dbURL) != "postgres" {
		t.Fatalf("backend %q on PostgreSQL", a.Config.Files.backend(dbURL))
	}
	enableMobileService(t, a)
	b.auth.Invalidate()
	token := siteAdminToken(t, a, "files", "", "moodle_mobile_app")
	b.auth.Invalidate()
	big := strings.Repeat("0123456789abcdef", 200_000) // several chunks
	list := clientUpload(t, a.URL(), token, map[string]string{"big.bin": big})
	if len(list) != 1 || list[0]["errortype"] != nil {
		t.Fatalf("upload: %v", list)
	}
	status, body := clientDownload(t, b.URL(), token, filePath(list[0]))
	if status != 200 || body != big {
		t.Fatalf("download from the other instance: %d, %d bytes", status, len(body))
	}
}
