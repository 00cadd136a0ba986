package mcp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"wsgate/discovery"
	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/protocols/mcp"
	"wsgate/services"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const manifest = `
functions:
  local_lib_get_books:
    classname: local_lib
    methodname: get_books
    description: Returns books by id.
    type: read
    parameters:
      ids: {type: multiple, content: {type: INT, description: book id}}
      withcovers: {type: BOOL, default: false}
    returns:
      type: multiple
      content:
        type: single
        keys:
          id: INT
          title: {type: TEXT, description: Title}
          isbn: {type: ALPHANUM, required: false}
  local_lib_delete_book:
    classname: local_lib
    methodname: delete_book
    description: Deletes a book.
    type: write
    destructive: true
    parameters: {id: INT}
  local_lib_lend_book:
    classname: local_lib
    methodname: lend_book
    description: Lends a book.
    type: write
    parameters: {id: INT, userid: INT}
    returns: {type: single, keys: {status: ALPHA}}
services:
  Library:
    shortname: library
    functions: [local_lib_get_books, local_lib_delete_book, local_lib_lend_book]
    enabled: 1
    restrictedusers: 0
`

type fixture struct {
	store   *services.Store
	service services.Service
	userID  int64
	url     string
	handler *mcp.Handler // the MCP handler srv serves, for in-process benchmarks
}

func newFixture(t testing.TB, d *db.DB) *fixture { return newFixtureWith(t, d, nil) }

// newFixtureWith is newFixture with the handler's options changed by set.
func newFixtureWith(t testing.TB, d *db.DB, set func(*mcp.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	store := services.NewStore(d, services.WithBcryptCost(4))
	reg := functions.NewRegistry()
	reg.Register("local_lib", "get_books", func(_ context.Context, p map[string]any) (any, error) {
		var out []any
		for _, id := range p["ids"].([]any) {
			out = append(out, map[string]any{"id": id, "title": "Book one"})
		}
		return out, nil
	})
	reg.Register("local_lib", "delete_book", func(context.Context, map[string]any) (any, error) { return nil, nil })
	reg.Register("local_lib", "lend_book", func(context.Context, map[string]any) (any, error) {
		return map[string]any{"status": "lent"}, nil
	})
	fsys := fstest.MapFS{"local_lib/db/services.yaml": {Data: []byte(manifest)}}
	cat, err := discovery.Load([]discovery.Source{{Name: "test", FS: fsys}}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&discovery.Syncer{DB: d, Tables: discovery.ServicesTables(store)}).Sync(ctx, cat, false); err != nil {
		t.Fatal(err)
	}
	catalog := functions.NewCatalog(d, reg)
	if err := catalog.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := store.CreateUser(ctx, services.User{Username: "agent", Auth: services.AuthManual}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := store.ServiceByShortname(ctx, "library")
	if err != nil {
		t.Fatal(err)
	}
	auth := services.NewAuthorizer(store, catalog, services.AuthorizerOptions{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pipe := &protocols.Pipeline{Auth: auth, Functions: catalog, Validator: &functions.Validator{},
		Upstream: &protocols.UpstreamClient{}, Log: log}
	opts := mcp.Options{Pipeline: pipe, Services: auth, Log: log, Debug: true}
	if set != nil {
		set(&opts)
	}
	h := mcp.New(opts)
	auth.OnInvalidate(h.Invalidated)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{store: store, service: svc, userID: u.ID, url: srv.URL, handler: h}
}

// token makes a token for the fixture's user.
func (f *fixture) token(t testing.TB, readOnly bool) (string, services.Token) {
	t.Helper()
	value, tok, err := f.store.CreateToken(context.Background(), services.TokenSpec{UserID: f.userID,
		ServiceID: f.service.ID, ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	return value, tok
}

// bearer adds the token to every request of the SDK's client.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// connect opens a session with the SDK's client; changed receives the
// tools/list_changed notifications.
func connect(t *testing.T, endpoint string, client *http.Client, changed chan<- struct{}) *sdk.ClientSession {
	t.Helper()
	opts := &sdk.ClientOptions{}
	if changed != nil {
		opts.ToolListChangedHandler = func(context.Context, *sdk.ToolListChangedRequest) {
			select {
			case changed <- struct{}{}:
			default:
			}
		}
	}
	c := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, opts)
	cs, err := c.Connect(context.Background(), &sdk.StreamableClientTransport{Endpoint: endpoint,
		HTTPClient: client, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

func toolNames(t *testing.T, cs *sdk.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

func callText(t *testing.T, res *sdk.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("content = %d blocks, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(*sdk.TextContent)
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

func TestServer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		token, tok := f.token(t, false)
		changed := make(chan struct{}, 1)
		cs := connect(t, f.url, &http.Client{Transport: bearer{token}}, changed)

		// tools/list: the service's functions, schemas as the golden file.
		res, err := cs.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.MarshalIndent(res.Tools, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "tools.json", append(got, '\n'))
		for _, tool := range res.Tools {
			compileSchema(t, tool.Name+" inputSchema", tool.InputSchema)
			if tool.OutputSchema != nil {
				compileSchema(t, tool.Name+" outputSchema", tool.OutputSchema)
			}
		}

		// A read function: structuredContent and Moodle's JSON as text.
		call, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "local_lib_get_books",
			Arguments: map[string]any{"ids": []any{3, "4"}}})
		if err != nil {
			t.Fatal(err)
		}
		const want = `[{"id":3,"title":"Book one"},{"id":4,"title":"Book one"}]`
		if call.IsError || callText(t, call) != want {
			t.Fatalf("get_books: isError %v, text %s; want %s", call.IsError, callText(t, call), want)
		}
		sc, _ := json.Marshal(call.StructuredContent)
		if string(sc) != `{"result":`+want+`}` {
			t.Errorf("structuredContent = %s", sc)
		}
		var output *jsonschema.Schema
		for _, tool := range res.Tools {
			if tool.Name == "local_lib_get_books" {
				output = compileSchema(t, "get_books outputSchema", tool.OutputSchema)
			}
		}
		if err := output.Validate(decode(t, sc)); err != nil {
			t.Errorf("structuredContent does not match the outputSchema: %v", err)
		}

		// Bad arguments: a tool error with Moodle's invalidparameter.
		for name, args := range map[string]any{
			"missing":      map[string]any{},
			"wrong type":   map[string]any{"ids": []any{"x"}},
			"unknown key":  map[string]any{"ids": []any{1}, "extra": 1},
			"not a struct": map[string]any{"ids": map[string]any{"a": map[string]any{"b": 1}}},
		} {
			call, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "local_lib_get_books", Arguments: args})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if text := callText(t, call); !call.IsError || !strings.Contains(text, `"errorcode":"invalidparameter"`) {
				t.Errorf("%s: isError %v, text %s", name, call.IsError, text)
			}
		}

		// An admin removes a function: the session is told, and lists the rest.
		if err := f.store.RemoveServiceFunction(ctx, f.service.ID, "local_lib_lend_book"); err != nil {
			t.Fatal(err)
		}
		waitChanged(t, changed)
		if names := strings.Join(toolNames(t, cs), ","); names != "local_lib_delete_book,local_lib_get_books" {
			t.Errorf("after the removal, tools = %s", names)
		}

		// The token is revoked: the session's next request is refused.
		if err := f.store.DeleteToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "local_lib_get_books",
			Arguments: map[string]any{"ids": []any{1}}}); err == nil {
			t.Error("a call with a revoked token succeeded")
		}
	})
}

func TestReadOnlyToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		token, _ := f.token(t, true)
		cs := connect(t, f.url+"?wstoken="+token, http.DefaultClient, nil) // the token in the query
		if names := strings.Join(toolNames(t, cs), ","); names != "local_lib_get_books" {
			t.Errorf("read-only tools = %s, want only the read function", names)
		}
		call, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "local_lib_get_books",
			Arguments: map[string]any{"ids": []any{1}}})
		if err != nil || call.IsError {
			t.Fatalf("read function: %v %v", err, call)
		}
		call, err = cs.CallTool(ctx, &sdk.CallToolParams{Name: "local_lib_lend_book",
			Arguments: map[string]any{"id": 1, "userid": 2}})
		if err == nil && !call.IsError {
			t.Error("a read-only token called a write function")
		}
	})
}

func TestRefusedBeforeTheSDK(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		token, _ := f.token(t, false)
		ctx := context.Background()
		if err := f.store.SetServiceEnabled(ctx, f.service.ID, false); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			token     string
			status    int
			errorcode string
		}{
			"no token":         {"", http.StatusUnauthorized, "invalidtoken"},
			"unknown token":    {strings.Repeat("0", 32), http.StatusUnauthorized, "invalidtoken"},
			"disabled service": {token, http.StatusForbidden, "servicenotavailable"},
		} {
			body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
			req, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var fault struct {
				Error struct {
					Data struct{ Errorcode string }
				}
			}
			if resp.StatusCode != c.status || json.Unmarshal(b, &fault) != nil || fault.Error.Data.Errorcode != c.errorcode {
				t.Errorf("%s: %d %s; want %d with errorcode %s", name, resp.StatusCode, b, c.status, c.errorcode)
			}
		}
	})
}

func waitChanged(t *testing.T, changed <-chan struct{}) {
	t.Helper()
	select {
	case <-changed:
	case <-time.After(30 * time.Second): // a guard against hanging, not a timing assertion
		t.Fatal("no notifications/tools/list_changed")
	}
}

// compileSchema compiles s as a JSON Schema 2020-12 document, which checks
// it against the 2020-12 metaschema.
func compileSchema(t *testing.T, name string, s any) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("schema.json", decode(t, b)); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	schema, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("%s is not a valid JSON Schema 2020-12: %v", name, err)
	}
	return schema
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// A service disabled mid-session ends the session at its next request.
func TestDisabledServiceEndsSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		token, _ := f.token(t, false)
		cs := connect(t, f.url, &http.Client{Transport: bearer{token}}, nil)
		if names := toolNames(t, cs); len(names) != 3 {
			t.Fatalf("tools = %v", names)
		}
		if err := f.store.SetServiceEnabled(ctx, f.service.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.ListTools(ctx, nil); err == nil {
			t.Error("a session of a disabled service listed its tools")
		}
		if err := f.store.SetServiceEnabled(ctx, f.service.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.ListTools(ctx, nil); err == nil {
			t.Error("the ended session answered again once the service was enabled")
		}
	})
}

// A token opening more sessions than MaxSessionsPerToken loses its least
// recently used one; another token's sessions are not touched.
func TestSessionsPerToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, func(o *mcp.Options) { o.MaxSessionsPerToken = 2 })
		ctx := context.Background()
		token, _ := f.token(t, false)
		other, _ := f.token(t, false)
		client := &http.Client{Transport: bearer{token}}
		bystander := connect(t, f.url, &http.Client{Transport: bearer{other}}, nil)
		first := connect(t, f.url, client, nil)
		second := connect(t, f.url, client, nil)
		toolNames(t, first) // first is now more recently used than second
		if n := f.handler.Sessions(); n != 3 {
			t.Fatalf("open sessions = %d, want 3", n)
		}
		third := connect(t, f.url, client, nil)
		if n := f.handler.Sessions(); n != 3 {
			t.Fatalf("open sessions = %d after a third of one token, want 3", n)
		}
		if _, err := second.ListTools(ctx, nil); err == nil {
			t.Error("the least recently used session still answers")
		}
		for name, cs := range map[string]*sdk.ClientSession{"first": first, "third": third, "other token's": bystander} {
			if _, err := cs.ListTools(ctx, nil); err != nil {
				t.Errorf("the %s session: %v", name, err)
			}
		}
	})
}
