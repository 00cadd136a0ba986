package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols/soap"
	"wsgate/services"
)

// soapE2EProgram is the client program, compiled against the generated
// package; see its header comment.
const soapE2EProgram = "testdata/soape2e/main.go.txt"

// soapE2ESummary is what the program prints (same JSON names as its types).
type soapE2ESummary struct {
	Created           []soapE2EUser    `json:"created"`
	ByUsername        []soapE2EUser    `json:"by_username"`
	Search            []soapE2EUser    `json:"search"`
	SearchWarnings    []soapE2EWarning `json:"search_warnings"`
	UpdateWarnings    []soapE2EWarning `json:"update_warnings"`
	Updated           []soapE2EUser    `json:"updated"`
	Deleted           bool             `json:"deleted"`
	ByIDAfterDelete   []soapE2EUser    `json:"by_id_after_delete"`
	SearchAfterDelete []soapE2EUser    `json:"search_after_delete"`
	SiteInfo          struct {
		Sitename        string   `json:"sitename"`
		Username        string   `json:"username"`
		Fullname        string   `json:"fullname"`
		UserID          int64    `json:"userid"`
		Siteurl         string   `json:"siteurl"`
		UserIsSiteAdmin *bool    `json:"userissiteadmin"`
		Functions       []string `json:"functions"`
	} `json:"site_info"`
	Faults []soapE2EFault `json:"faults"`
}

type soapE2EUser struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Fullname  string `json:"fullname"`
	Email     string `json:"email"`
	Auth      string `json:"auth"`
	Suspended *bool  `json:"suspended"`
	Confirmed *bool  `json:"confirmed"`
}

type soapE2EWarning struct {
	Item        string `json:"item"`
	ItemID      int64  `json:"itemid"`
	WarningCode string `json:"warningcode"`
	Message     string `json:"message"`
}

type soapE2EFault struct {
	Call        string `json:"call"`
	Status      int    `json:"status"`
	FaultCode   string `json:"faultcode"`
	FaultString string `json:"faultstring"`
	ErrorCode   string `json:"errorcode"`
	Exception   string `json:"exception"`
}

// TestSOAPGeneratedClient serves the shipped functions, generates a client
// with gowsdl (go tool gowsdl, in its own process) from the WSDL the server
// answers for a wsgate_admin token, compiles a program against it in a
// temporary module and runs it on the live server: it calls every shipped
// function and two that must fail, and prints a JSON summary checked here.
// It needs the go toolchain (and the module cache holding gowsdl v0.5.0);
// without them it fails.
func TestSOAPGeneratedClient(t *testing.T) {
	start := time.Now()
	goTool, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		t.Fatalf("this test generates and runs a SOAP client with the go toolchain, which is not in PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	modRoot := soapE2EModuleRoot(t, ctx, goTool)
	program, err := os.ReadFile(soapE2EProgram)
	if err != nil {
		t.Fatal(err)
	}

	// The server, an administrator and a wsgate_admin token.
	// Debug puts debuginfo in fault details, so an unexpected fault says what went wrong.
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DEBUG=true",
		"WSGATE_DATABASE_URL=" + dbtest.URL(t, db.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	admin, err := app.store.CreateUser(ctx, services.User{Username: "admin", FirstName: "Ada", LastName: "Admin",
		Email: "admin@example.com", Auth: services.AuthManual}, "")
	if err != nil {
		t.Fatal(err)
	}
	role, err := app.store.RoleByShortname(ctx, services.AdminRole)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.AssignRole(ctx, admin.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	svc, err := app.store.ServiceByShortname(ctx, "wsgate_admin")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, services.TokenSpec{UserID: admin.ID, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(sctx) }()
	defer func() { stop(); <-served }()
	server := app.URL() + soap.Path

	// The WSDL, and the client gowsdl generates from it, as package
	// soape2e/soapclient of a temporary module.
	wsdl := soapE2EGet(t, ctx, server+"?"+url.Values{"wsdl": {"1"}, "wstoken": {token}}.Encode())
	tmp := t.TempDir()
	wsdlFile := filepath.Join(tmp, "wsgate.wsdl")
	if err := os.WriteFile(wsdlFile, wsdl, 0o644); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(tmp, "soape2e")
	if err := os.Mkdir(mod, 0o755); err != nil { // gowsdl makes only the package's folder
		t.Fatal(err)
	}
	gen := exec.CommandContext(ctx, goTool, "tool", "gowsdl", "-d", mod, "-p", "soapclient", "-o", "soapclient.go", wsdlFile)
	gen.Dir = modRoot // where go.mod declares the tool
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go tool gowsdl: %v\n%s\nWSDL:\n%s", err, out, wsdl)
	}
	if _, err := os.Stat(filepath.Join(mod, "soapclient", "soapclient.go")); err != nil {
		t.Fatalf("gowsdl wrote no client: %v", err)
	}
	sum := soapE2EGoSum(t, filepath.Join(modRoot, "go.sum"), "github.com/hooklift/gowsdl")
	for name, content := range map[string][]byte{
		"go.mod":  []byte("module soape2e\n\ngo 1.26\n\nrequire github.com/hooklift/gowsdl v0.5.0\n"),
		"go.sum":  sum,
		"main.go": program,
	} {
		if err := os.WriteFile(filepath.Join(mod, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generated := time.Now()

	// One go run: build (the build cache keeps the soap package) and call.
	run := exec.CommandContext(ctx, goTool, "run", ".")
	run.Dir = mod
	run.Env = append(os.Environ(),
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), // GOPROXY, GOMODCACHE, GOCACHE are kept
		"GOWORK=off", "GOTOOLCHAIN=local",
		"SOAPE2E_URL="+server, "SOAPE2E_TOKEN="+token)
	run.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("go run of the generated SOAP client: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.Bytes(), stdout.Bytes())
	}
	t.Logf("WSDL %d bytes; server, WSDL and gowsdl %v; go run %v", len(wsdl), generated.Sub(start).Round(time.Millisecond),
		time.Since(generated).Round(time.Millisecond))
	var s soapE2ESummary
	dec := json.NewDecoder(bytes.NewReader(stdout.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("the program's output is not its summary: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	defer func() {
		if t.Failed() {
			t.Logf("summary:\n%s", stdout.Bytes())
		}
	}()

	// core_user_create_users
	if len(s.Created) != 2 || s.Created[0].Username != "soap_alice" || s.Created[1].Username != "soap_bob" ||
		s.Created[0].ID <= admin.ID || s.Created[1].ID <= s.Created[0].ID {
		t.Fatalf("create_users returned %+v", s.Created)
	}
	alice, bob := s.Created[0].ID, s.Created[1].ID
	for _, id := range []int64{alice, bob} {
		if u, err := app.store.UserByID(ctx, id); err != nil || u.Deleted != (id == bob) {
			t.Errorf("user %d in the store: %+v, %v", id, u, err)
		}
	}
	yes, no := true, false
	wantAlice := soapE2EUser{ID: alice, Username: "soap_alice", Firstname: "Zoë", Lastname: "Soaptester",
		Fullname: "Zoë Soaptester", Email: "alice@example.com", Auth: "manual", Suspended: &no, Confirmed: &yes}
	wantBob := soapE2EUser{ID: bob, Username: "soap_bob", Firstname: "Bob & Co", Lastname: "Soaptester",
		Fullname: "Bob & Co Soaptester", Email: "bob@example.com", Auth: "nologin", Suspended: &no, Confirmed: &yes}

	// core_user_get_users_by_field
	soapE2EUsers(t, "get_users_by_field(username)", s.ByUsername, wantAlice, wantBob)

	// core_user_get_users
	soapE2EUsers(t, "get_users(lastname LIKE)", s.Search, wantAlice, wantBob)
	if len(s.SearchWarnings) != 1 || s.SearchWarnings[0].Item != "shoesize" ||
		s.SearchWarnings[0].WarningCode != "invalidfieldparameter" || s.SearchWarnings[0].Message == "" {
		t.Errorf("get_users warnings = %+v, want one invalidfieldparameter for shoesize", s.SearchWarnings)
	}

	// core_user_update_users
	if len(s.UpdateWarnings) != 1 || s.UpdateWarnings[0].ItemID != 987654 ||
		s.UpdateWarnings[0].WarningCode != "usernotupdatedinvaliduser" {
		t.Errorf("update_users warnings = %+v, want one usernotupdatedinvaliduser for 987654", s.UpdateWarnings)
	}
	updated := wantAlice
	updated.Firstname, updated.Fullname, updated.Email, updated.Suspended = "Alice", "Alice Soaptester", "alice@example.org", &yes
	soapE2EUsers(t, "get_users_by_field(id) after update_users", s.Updated, updated)

	// core_user_delete_users: bob is gone from both reads.
	if !s.Deleted {
		t.Error("delete_users was not called")
	}
	soapE2EUsers(t, "get_users_by_field(id) after delete_users", s.ByIDAfterDelete, updated)
	soapE2EUsers(t, "get_users(lastname LIKE) after delete_users", s.SearchAfterDelete, updated)

	// core_webservice_get_site_info: with no site.url, siteurl is the
	// address the gateway listens on, known once it listens.
	si := s.SiteInfo
	if si.Siteurl != app.URL() {
		t.Errorf("get_site_info siteurl = %q, want %q", si.Siteurl, app.URL())
	}
	wantFns := []string{"core_user_create_users", "core_user_delete_users", "core_user_get_users",
		"core_user_get_users_by_field", "core_user_update_users", "core_webservice_get_site_info"}
	fns := slices.Sorted(slices.Values(si.Functions))
	if si.Username != "admin" || si.UserID != admin.ID || si.Fullname != "Ada Admin" || si.Sitename == "" ||
		si.UserIsSiteAdmin == nil || !*si.UserIsSiteAdmin || !slices.Equal(fns, wantFns) {
		t.Errorf("get_site_info = %+v, want admin (id %d, site admin) with functions %v", si, admin.ID, wantFns)
	}

	// Faults, read from the *soap.HTTPError body.
	wantFaults := []soapE2EFault{
		{Call: "core_user_create_users duplicate", Status: http.StatusInternalServerError, FaultCode: "soap:Client",
			FaultString: "Invalid parameter value detected | ERRORCODE: invalidparameter",
			ErrorCode:   "invalidparameter", Exception: "invalid_parameter_exception"},
		{Call: "core_user_get_users_by_field bad token", Status: http.StatusInternalServerError, FaultCode: "soap:Client",
			FaultString: "Invalid token - token not found | ERRORCODE: invalidtoken",
			ErrorCode:   "invalidtoken", Exception: "moodle_exception"},
	}
	if !slices.Equal(s.Faults, wantFaults) {
		t.Errorf("faults\n got %+v\nwant %+v", s.Faults, wantFaults)
	}
	if u, err := app.store.UserByUsername(ctx, "soap_alice"); err != nil || u.ID != alice || u.FirstName != "Alice" {
		t.Errorf("the failed duplicate create_users changed soap_alice: %+v, %v", u, err)
	}
}

// soapE2EUsers compares the users a call returned with want, in order.
func soapE2EUsers(t *testing.T, call string, got []soapE2EUser, want ...soapE2EUser) {
	t.Helper()
	if !slices.EqualFunc(got, want, func(a, b soapE2EUser) bool {
		return a.ID == b.ID && a.Username == b.Username && a.Firstname == b.Firstname && a.Lastname == b.Lastname &&
			a.Fullname == b.Fullname && a.Email == b.Email && a.Auth == b.Auth &&
			soapE2EBool(a.Suspended) == soapE2EBool(b.Suspended) && soapE2EBool(a.Confirmed) == soapE2EBool(b.Confirmed)
	}) {
		t.Errorf("%s returned\n %s\nwant\n %s", call, soapE2EJSON(got), soapE2EJSON(want))
	}
}

// soapE2EBool shows an absent bool as "nil".
func soapE2EBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

func soapE2EJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// soapE2EModuleRoot returns the directory of wsgate's go.mod, where the
// gowsdl tool is declared.
func soapE2EModuleRoot(t *testing.T, ctx context.Context, goTool string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, goTool, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatalf("go env GOMOD = %q: not inside the wsgate module", gomod)
	}
	return filepath.Dir(gomod)
}

// soapE2EGet returns the body of a 200 answer to a GET.
func soapE2EGet(t *testing.T, ctx context.Context, u string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
		t.Fatalf("GET %s: %s %s\n%s", u, resp.Status, resp.Header.Get("Content-Type"), body)
	}
	return body
}

// soapE2EGoSum returns the lines of the go.sum file for module.
func soapE2EGoSum(t *testing.T, file, module string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), module+" ") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 {
		t.Fatalf("%s has no line for %s", file, module)
	}
	return b.Bytes()
}
