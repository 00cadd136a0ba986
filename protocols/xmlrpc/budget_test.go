package xmlrpc_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/xmlrpc"
)

// invalidParameterFault is Moodle's faultCode of invalidparameter.
const invalidParameterFault = 29039061

// handle sends body to s in process and returns the answer.
func handle(s *xmlrpc.Server, query string, body io.Reader) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, xmlrpc.Path+query, body))
	return w
}

func quietServer(f *fake) *xmlrpc.Server {
	return &xmlrpc.Server{Dispatcher: f, Lister: f, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// TestBudgetExceeded: values, their nesting, text and attribute bytes are
// taken from one budget per request; a request over a limit is a fault
// naming the limit, undispatched.
func TestBudgetExceeded(t *testing.T) {
	limits := protocols.Limits{MaxNodes: 4, MaxDepth: 2, MaxStringBytes: 64}
	tests := []struct {
		name, body, want string // want "": accepted
	}{
		{"within the limits", call("local_void", nested(2), "x"), ""},
		{"too deep", call("local_void", nested(3)), "nests deeper than 2 levels"},
		{"too many values", call("local_void", "1", "2", "3", "4", "5"), "holds more than 4 values"},
		{"too much text", call("local_void", strings.Repeat("x", 60)), "holds more than 64 bytes of text"},
		{"attribute bytes count", `<methodCall a="` + strings.Repeat("y", 60) + `"><methodName>local_void</methodName></methodCall>`,
			"holds more than 64 bytes of text"},
		{"tag too long", `<methodCall><methodName>local_void</methodName><params/></methodCall` + strings.Repeat(" ", protocols.MaxTagBytes) + `>`,
			"holds a tag longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			s := quietServer(f)
			s.Intake.Limits = limits
			w := handle(s, "?wstoken=tok", strings.NewReader(tt.body))
			if tt.want == "" {
				if w.Body.Len() != 0 || f.count() != 1 { // local_void answers nothing
					t.Fatalf("%d calls: %s", f.count(), w.Body)
				}
				return
			}
			fe := fault(t, w.Body.String())
			want := "Invalid parameter value detected: the request " + tt.want + " | ERRORCODE: invalidparameter"
			if fe.Code != invalidParameterFault || fe.String != want {
				t.Errorf("fault %d %q, want %q", fe.Code, fe.String, want)
			}
			if f.count() != 0 {
				t.Error("a request over the budget was dispatched")
			}
		})
	}
}

// TestHugeBodyCostBoundedMemory: a 10 MB array of integers is refused at
// the budget's values, at a small multiple of its size plus what the
// decoded values cost.
func TestHugeBodyCostBoundedMemory(t *testing.T) {
	body := call("local_void", "<array><data>"+strings.Repeat("<value><int>1</int></value>", 10<<20/27)+"</data></array>")
	f := newFake()
	s := quietServer(f)
	s.MaxBodyBytes = 16 << 20
	r := httptest.NewRequest(http.MethodPost, xmlrpc.Path+"?wstoken=tok", strings.NewReader(body))
	w := httptest.NewRecorder()
	n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
	t.Logf("%d bytes allocated for a body of %d bytes", n, len(body))
	if limit := 2*uint64(len(body)) + protocols.DefaultMaxNodes*protocolstest.BytesPerNode; n > limit {
		t.Errorf("%d bytes allocated for a body of %d bytes, want at most %d", n, len(body), limit)
	}
	if fe := fault(t, w.Body.String()); fe.String != "Invalid parameter value detected: the request holds more than 100000 values | ERRORCODE: invalidparameter" {
		t.Errorf("fault %q", fe.String)
	}
}

// TestInvalidTokenBeforeBody: the token (query string or Authorization
// header, never the body) is checked before the body is read; an unusable
// or missing one is the invalidtoken fault at the cost of a few kilobytes.
func TestInvalidTokenBeforeBody(t *testing.T) {
	huge := call("local_void", "<array><data>"+strings.Repeat("<value><int>1</int></value>", 1<<18)+"</data></array>")
	const invalidToken = "Invalid token - token not found | ERRORCODE: invalidtoken"
	for _, tt := range []struct{ name, query, auth string }{
		{"bad token", "?wstoken=bad", ""},
		{"bad Bearer token", "", "Bearer bad"},
		{"no token", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tokens := &protocolstest.Tokens{Valid: "tok"}
			s := quietServer(f)
			s.Intake.Tokens = tokens
			body := strings.NewReader(huge)
			r := httptest.NewRequest(http.MethodPost, xmlrpc.Path+tt.query, body)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			w := httptest.NewRecorder()
			n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
			t.Logf("%d bytes allocated", n)
			if fe := fault(t, w.Body.String()); fe.String != invalidToken || fe.Code != 89159464 {
				t.Errorf("fault %d %q", fe.Code, fe.String)
			}
			if body.Len() != len(huge) || f.count() != 0 || n > 16<<10 || tokens.Checks.Load() != 1 {
				t.Errorf("%d body bytes read, %d calls, %d bytes allocated, %d checks",
					len(huge)-body.Len(), f.count(), n, tokens.Checks.Load())
			}
		})
	}
	f := newFake()
	s := quietServer(f)
	s.Intake.Tokens = &protocolstest.Tokens{Valid: "tok"}
	if w := handle(s, "?wstoken=tok", strings.NewReader(call("local_void"))); w.Body.Len() != 0 || f.count() != 1 {
		t.Errorf("a usable token: %d calls, %s", f.count(), w.Body)
	}
}

// TestDecodeGate: with every slot taken a request waits for one, then is
// answered; without a wait it is the serverbusy fault.
func TestDecodeGate(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	s := quietServer(f)
	busy := protocols.NewGate(1, 0)
	if err := busy.Enter(ctx); err != nil {
		t.Fatal(err)
	}
	defer busy.Leave()
	s.Intake.Decodes = busy
	fe := fault(t, handle(s, "?wstoken=tok", strings.NewReader(call("local_void"))).Body.String())
	if fe.String != "The server is busy: try again in a moment | ERRORCODE: serverbusy" || f.count() != 0 {
		t.Errorf("fault %q, %d calls", fe.String, f.count())
	}

	waiting := protocols.NewGate(1, time.Hour)
	if err := waiting.Enter(ctx); err != nil {
		t.Fatal(err)
	}
	s.Intake.Decodes = waiting
	var wg sync.WaitGroup
	var w *httptest.ResponseRecorder
	wg.Go(func() { w = handle(s, "?wstoken=tok", strings.NewReader(call("local_void"))) })
	for waiting.Waiting() != 1 {
		time.Sleep(time.Millisecond) // until the request waits: a state, not a duration
	}
	waiting.Leave()
	wg.Wait()
	if w.Body.Len() != 0 || f.count() != 1 || waiting.Busy() != 0 {
		t.Errorf("%d calls, %d slots taken: %s", f.count(), waiting.Busy(), w.Body)
	}
}
