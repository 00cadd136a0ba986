package files_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"wsgate/files"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	pfiles "wsgate/protocols/files"
	"wsgate/services"
)

type noFunctions struct{}

func (noFunctions) FunctionCapabilities(string) ([]string, bool) { return nil, false }
func (noFunctions) FunctionIsRead(string) bool                   { return false }

// env is a gateway's file scripts over a real store and authorizer.
type env struct {
	t      testing.TB
	db     *db.DB
	dir    string
	store  *services.Store
	files  *files.Store
	upload *pfiles.Upload
	srv    *httptest.Server
	ctx    context.Context
}

// user is a user with a token of a service.
type user struct {
	id    int64
	token string
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{t: t, db: d, dir: t.TempDir(), ctx: context.Background()}
	e.store = services.NewStore(d, services.WithBcryptCost(4))
	auth := services.NewAuthorizer(e.store, noFunctions{}, services.AuthorizerOptions{})
	disk, err := files.NewDisk(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	e.files = files.NewStore(d, disk)
	access := files.NewAccessRules()
	access.Register("user", "draft", files.OwnerOnly)
	access.Register("user", "private", files.OwnerOnly)
	access.Register("user", "icon", files.AnyUser)
	e.upload = &pfiles.Upload{Auth: auth, Store: e.files, MaxBytes: 1 << 20, MaxBodyBytes: 8 << 20, MaxFiles: 20,
		Quota: 4 << 20, License: "unknown"}
	// Routed by prefix, as gin does: no ServeMux cleaning of "." and "..".
	routes := map[string]http.Handler{"/webservice/upload.php": e.upload}
	for _, script := range []string{"/webservice/pluginfile.php", "/webservice/draftfile.php"} {
		routes[script] = &pfiles.Download{Auth: auth, Store: e.files, Access: access, Script: script,
			DraftOnly: strings.HasSuffix(script, "draftfile.php")}
	}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for prefix, h := range routes {
			if r.URL.Path == prefix || strings.HasPrefix(r.URL.Path, prefix+"/") {
				h.ServeHTTP(w, r)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// newUser makes a user and a token of a new service with the given file flags.
func (e *env) newUser(name string, upload, download bool) user {
	e.t.Helper()
	u, err := e.store.CreateUser(e.ctx, services.User{Username: name, FirstName: "Ann", LastName: name}, "secret-"+name)
	if err != nil {
		e.t.Fatal(err)
	}
	svc, err := e.store.CreateService(e.ctx, services.Service{Name: "files " + name, Shortname: "f_" + name,
		Enabled: true, UploadFiles: upload, DownloadFiles: download})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.store.CreateToken(e.ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return user{id: u.ID, token: tok}
}

// part is one part of a multipart body: a field (file false) or a file.
type part struct {
	field, name, content string
	file                 bool
}

func body(parts ...part) (string, []byte) { return bodyWith("", parts...) }

// bodyWith is body with a given boundary ("" for a random one).
func bodyWith(boundary string, parts ...part) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if boundary != "" {
		_ = mw.SetBoundary(boundary)
	}
	for _, p := range parts {
		if p.file {
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.name)}
			h["Content-Type"] = []string{"application/octet-stream"}
			w, _ := mw.CreatePart(h)
			io.WriteString(w, p.content)
		} else {
			_ = mw.WriteField(p.field, p.content)
		}
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func file(field, name, content string) part {
	return part{field: field, name: name, content: content, file: true}
}
func field(name, value string) part { return part{field: name, content: value} }

// post sends an upload and decodes its JSON answer.
func (e *env) post(query string, ctype string, b []byte) (int, []map[string]any, map[string]any) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+"/webservice/upload.php?"+query, ctype, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var list []map[string]any
	if json.Unmarshal(raw, &list) == nil {
		return resp.StatusCode, list, nil
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		e.t.Fatalf("answer is not JSON: %q", raw)
	}
	return resp.StatusCode, nil, obj
}

// get fetches a path of the server.
func (e *env) get(method, path string, header ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// state lists the files table, the contents and the files on disk.
func (e *env) state() string { return e.stateT(e.t) }

// stateT is state failing t (inside a fuzz target, not the env's).
func (e *env) stateT(t testing.TB) string {
	t.Helper()
	var parts []string
	for _, q := range []string{`SELECT filearea || ':' || itemid || ':' || filepath || filename FROM files`,
		`SELECT 'content:' || contenthash FROM file_contents`, `SELECT 'chunk:' || contentkey FROM file_chunks`} {
		rows, err := e.db.QueryContext(e.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			parts = append(parts, s)
		}
		rows.Close()
	}
	_ = filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(e.dir, p)
			parts = append(parts, "disk:"+filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, newEnv(t, d)) })
}
