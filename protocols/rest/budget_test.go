package rest_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/rest"
)

// nestedForm is the form of finding 3: vars variables, each levels
// brackets deep under a name of its own.
func nestedForm(vars, levels int) string {
	var b strings.Builder
	for i := range vars {
		b.WriteString("v")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(strings.Repeat("[x]", levels))
		b.WriteString("=1&")
	}
	return b.String()
}

// numberArray is a JSON body of one parameter holding size bytes of numbers.
func numberArray(size int) string {
	return `{"a":[` + strings.Repeat("1,", size/2) + `1]}`
}

// tooLarge is the JSON answer of a request over a limit of the budget.
func tooLarge(what string) string {
	return `{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",` +
		`"message":"Invalid parameter value detected: the request ` + what + `"}`
}

// TestHugeBodiesCostBoundedMemory sends the bodies of finding 3 (before
// the fix: 241 MB and 564 MB allocated). Decoding stops at the budget, so
// a request allocates a small multiple of its size plus what the budget's
// nodes may cost, and is refused.
func TestHugeBodiesCostBoundedMemory(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		maxAlloc                func(size int) uint64
		want                    string
	}{
		{"2 MB form nested 63 levels", "application/x-www-form-urlencoded", nestedForm(10000, 63),
			func(n int) uint64 { return 4*uint64(n) + protocols.DefaultMaxNodes*protocolstest.BytesPerNode },
			tooLarge("holds more than 100000 values")},
		{"10 MB JSON array of numbers", "application/json", numberArray(10 << 20),
			func(n int) uint64 { return 2 * uint64(n) },
			tooLarge("holds more than 10000 input variables: split the call into smaller batches")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &recorder{res: okResult()}
			s := &rest.Server{Dispatcher: d, MaxBodyBytes: 16 << 20}
			r := request{method: "POST", target: rest.Path + "?wsfunction=f&moodlewsrestformat=json",
				contentType: tt.contentType, body: tt.body}.build()
			w := httptest.NewRecorder()
			n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
			t.Logf("%d bytes allocated for a body of %d bytes", n, len(tt.body))
			if limit := tt.maxAlloc(len(tt.body)); n > limit {
				t.Errorf("%d bytes allocated for a body of %d bytes, want at most %d", n, len(tt.body), limit)
			}
			if w.Body.String() != tt.want {
				t.Errorf("body %s\nwant %s", w.Body, tt.want)
			}
			if len(d.calls) != 0 {
				t.Errorf("the request was dispatched")
			}
		})
	}
}

// TestBudgetExceeded: every way in (query string, form, multipart, JSON)
// is decoded within one budget per request, and a request over a limit is
// answered with the limit it passed, in the format asked for, undispatched.
func TestBudgetExceeded(t *testing.T) {
	limits := protocols.Limits{MaxNodes: 8, MaxDepth: 2, MaxStringBytes: 64}
	mp, mpType := multipartForm(t, [][3]string{{"a", "", "1"}, {"b[x][y][z]", "", "2"}})
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name string
		req  request
		want string // "": accepted
	}{
		{"within the limits", request{method: "POST", target: rest.Path + "?a=1&b[x][y]=2", contentType: form, body: "c=3"}, ""},
		{"query too deep", request{target: rest.Path + "?a[1][2][3]=1"}, tooLarge("nests deeper than 2 levels")},
		{"query unclosed third level", request{target: rest.Path + "?a[1][2][3=1"}, tooLarge("nests deeper than 2 levels")},
		{"form too deep", request{method: "POST", target: rest.Path, contentType: form, body: "a[1][2][3]=1"},
			tooLarge("nests deeper than 2 levels")},
		{"form too many values", request{method: "POST", target: rest.Path, contentType: form, body: "a=1&b=2&c=3&d=4&e=5&f=6&g=7"},
			tooLarge("holds more than 8 values")},
		{"query and body share the budget", request{method: "POST", target: rest.Path + "?a=1&b=2&c=3", contentType: form,
			body: "d=4&e=5&f=6&g=7"}, tooLarge("holds more than 8 values")},
		{"form too much text", request{method: "POST", target: rest.Path, contentType: form, body: "a=" + strings.Repeat("x", 63)},
			tooLarge("holds more than 64 bytes of text")},
		{"multipart too deep", request{method: "POST", target: rest.Path, contentType: mpType, body: mp},
			tooLarge("nests deeper than 2 levels")},
		{"JSON too deep", request{method: "POST", target: rest.Path, contentType: "application/json", body: `{"a":[[[1]]]}`},
			tooLarge("nests deeper than 2 levels")},
		{"JSON at the depth limit", request{method: "POST", target: rest.Path, contentType: "application/json", body: `{"a":[[1]]}`}, ""},
		{"JSON too many values", request{method: "POST", target: rest.Path, contentType: "application/json",
			body: `{"a":[1,2,3],"b":{"c":4,"d":5}}`}, tooLarge("holds more than 8 values")},
		{"JSON too much text", request{method: "POST", target: rest.Path, contentType: "application/json",
			body: `{"a":"` + strings.Repeat("x", 64) + `"}`}, tooLarge("holds more than 64 bytes of text")},
		{"JSON keys are text", request{method: "POST", target: rest.Path, contentType: "application/json",
			body: `{"` + strings.Repeat("k", 65) + `":1}`}, tooLarge("holds more than 64 bytes of text")},
	}
	for _, tt := range tests {
		for _, format := range []string{"json", "xml"} {
			t.Run(tt.name+"_"+format, func(t *testing.T) {
				d := &recorder{res: okResult()}
				s := &rest.Server{Dispatcher: d, Intake: protocols.Intake{Limits: limits}}
				q := tt.req
				sep := "?"
				if strings.Contains(q.target, "?") {
					sep = "&"
				}
				q.target += sep + "wsfunction=f&moodlewsrestformat=" + format
				w := serve(t, s, q)
				checkHeaders(t, w, format == "json")
				if tt.want == "" {
					if len(d.calls) != 1 || w.Body.String() != okBody(format) {
						t.Fatalf("%d calls, body %s", len(d.calls), w.Body)
					}
					return
				}
				want := tt.want
				if format == "xml" {
					want = xmlOf(t, tt.want)
				}
				if w.Body.String() != want {
					t.Errorf("body %s\nwant %s", w.Body, want)
				}
				if len(d.calls) != 0 {
					t.Error("a request over the budget was dispatched")
				}
			})
		}
	}
}

// okBody is the answer of okResult in format.
func okBody(format string) string {
	if format == "json" {
		return `{"id":7,"name":"a\/b"}`
	}
	return string(rest.EncodeXML(echoFunction.Returns, okResult().Value))
}

// xmlOf turns a tooLarge JSON answer into Moodle's XML exception.
func xmlOf(t *testing.T, jsonAnswer string) string {
	t.Helper()
	msg := strings.TrimSuffix(jsonAnswer[strings.Index(jsonAnswer, `"message":"`)+len(`"message":"`):], `"}`)
	return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<EXCEPTION class=\"invalid_parameter_exception\">\n" +
		"<ERRORCODE>invalidparameter</ERRORCODE>\n<MESSAGE>" + msg + "</MESSAGE>\n</EXCEPTION>\n"
}

// TestInvalidTokenBeforeBody: an unusable token in the query string or the
// Authorization header is refused before the body is read, at the cost of
// a few kilobytes whatever the body; usable ones, and tokens only the body
// holds, get the answers they got before.
func TestInvalidTokenBeforeBody(t *testing.T) {
	huge := nestedForm(10000, 63)
	const form = "application/x-www-form-urlencoded"
	invalidToken := `{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}`
	tests := []struct {
		name       string
		req        request
		want       string // "": dispatched
		wantToken  string // the dispatched call's token
		wantChecks int64
	}{
		{"bad token in the query", request{method: "POST", target: rest.Path + "?wstoken=bad&wsfunction=f&moodlewsrestformat=json",
			contentType: form, body: huge}, invalidToken, "", 1},
		{"bad Bearer token", request{method: "POST", target: rest.Path + "?wsfunction=f&moodlewsrestformat=json",
			contentType: form, body: huge, auth: "Bearer bad"}, invalidToken, "", 1},
		{"bad token in the query, good in the body", request{method: "POST", target: rest.Path + "?wstoken=bad&moodlewsrestformat=json",
			contentType: form, body: "wstoken=good&wsfunction=f"}, invalidToken, "", 1},
		{"bad token in the query, XML", request{method: "POST", target: rest.Path + "?wstoken=bad",
			contentType: "application/json", body: numberArray(1 << 20)}, mustGolden(t, "error_invalidtoken.xml"), "", 1},
		{"good token in the query", request{method: "POST", target: rest.Path + "?wstoken=good&moodlewsrestformat=json",
			contentType: form, body: "wsfunction=f"}, "", "good", 1},
		{"good token in the body", request{method: "POST", target: rest.Path + "?moodlewsrestformat=json",
			contentType: form, body: "wstoken=good&wsfunction=f"}, "", "good", 0},
		{"good token in the query, bad in the body: the body's is dispatched", request{method: "POST",
			target: rest.Path + "?wstoken=good&moodlewsrestformat=json", contentType: form, body: "wstoken=bad&wsfunction=f"},
			"", "bad", 1},
		{"token array in the query is left to the decoder", request{method: "POST", target: rest.Path + "?wstoken[]=bad&moodlewsrestformat=json",
			contentType: form, body: "wsfunction=f"}, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &recorder{res: okResult()}
			tokens := &protocolstest.Tokens{Valid: "good"}
			s := &rest.Server{Dispatcher: d, Intake: protocols.Intake{Tokens: tokens}}
			r := tt.req.build()
			body := strings.NewReader(tt.req.body)
			r.Body = readCloser{body}
			w := httptest.NewRecorder()
			n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
			t.Logf("%d bytes allocated", n)
			if got := tokens.Checks.Load(); got != tt.wantChecks {
				t.Errorf("%d token checks, want %d", got, tt.wantChecks)
			}
			if tt.want != "" {
				if w.Body.String() != tt.want {
					t.Errorf("body %s\nwant %s", w.Body, tt.want)
				}
				if len(d.calls) != 0 || body.Len() != len(tt.req.body) {
					t.Errorf("%d calls, %d body bytes read: the body was used", len(d.calls), len(tt.req.body)-body.Len())
				}
				if n > 16<<10 {
					t.Errorf("a refused token cost %d bytes", n)
				}
				return
			}
			if tt.name == "token array in the query is left to the decoder" {
				if !strings.Contains(w.Body.String(), `"errorcode":"invalidparameter"`) {
					t.Errorf("body %s", w.Body)
				}
				return
			}
			if c := d.last(t); c.Token != tt.wantToken {
				t.Errorf("dispatched token %q, want %q", c.Token, tt.wantToken)
			}
		})
	}
}

func mustGolden(t *testing.T, name string) string {
	t.Helper()
	s, err := readGolden(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readCloser gives a reader the Close method of a request body.
type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// TestDecodeGate: a request decodes only in a slot of the gate. With every
// slot taken it waits, and is answered once a slot frees; with no wait it
// is refused with serverbusy, undispatched.
func TestDecodeGate(t *testing.T) {
	ctx := context.Background()
	t.Run("refused at once", func(t *testing.T) {
		gate := protocols.NewGate(1, 0)
		if err := gate.Enter(ctx); err != nil {
			t.Fatal(err)
		}
		defer gate.Leave()
		d := &recorder{res: okResult()}
		s := &rest.Server{Dispatcher: d, Intake: protocols.Intake{Decodes: gate}}
		w := serve(t, s, request{target: rest.Path + "?wsfunction=f&moodlewsrestformat=json"})
		if want := mustGolden(t, "error_serverbusy.json"); w.Body.String() != want {
			t.Errorf("body %s\nwant %s", w.Body, want)
		}
		if len(d.calls) != 0 {
			t.Error("dispatched without a slot")
		}
	})
	t.Run("waits for a slot", func(t *testing.T) {
		gate := protocols.NewGate(1, time.Hour)
		if err := gate.Enter(ctx); err != nil {
			t.Fatal(err)
		}
		d := &recorder{res: okResult()}
		s := &rest.Server{Dispatcher: d, Intake: protocols.Intake{Decodes: gate}}
		var wg sync.WaitGroup
		var w *httptest.ResponseRecorder
		wg.Go(func() { w = serve(t, s, request{target: rest.Path + "?wsfunction=f&moodlewsrestformat=json"}) })
		for gate.Waiting() != 1 {
			time.Sleep(time.Millisecond) // until the request waits: a state, not a duration
		}
		d.mu.Lock()
		dispatched := len(d.calls)
		d.mu.Unlock()
		if dispatched != 0 {
			t.Error("decoded without a slot")
		}
		gate.Leave()
		wg.Wait()
		if w.Body.String() != okBody("json") || gate.Busy() != 0 {
			t.Errorf("body %s, %d slots still taken", w.Body, gate.Busy())
		}
	})
}
