package soap_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/soap"
)

// tooLargeFault is the faultstring of a request over a limit of the budget.
func tooLargeFault(what string) string {
	return "Invalid parameter value detected: the request " + what + " | ERRORCODE: invalidparameter"
}

// TestHugeAttributesCostBoundedMemory sends the SOAP body of finding 3: one
// element with 9.5 MB of attributes (before the fix: 422 MB allocated, and
// dispatched). The attribute limiter refuses the tag before encoding/xml
// holds its attributes, so the request costs about its size.
func TestHugeAttributesCostBoundedMemory(t *testing.T) {
	body := envelope(`<local_wsgate_ping ` + strings.Repeat(`a="b" `, 9500000/6) + `/>`)
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) { return nil, nil }}
	s := newServer(rec)
	s.MaxBodyBytes = 16 << 20
	r := httptest.NewRequest(http.MethodPost, soap.Path+"?wstoken="+testToken, strings.NewReader(body))
	w := httptest.NewRecorder()
	n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
	t.Logf("%d bytes allocated for a body of %d bytes", n, len(body))
	if limit := 2 * uint64(len(body)); n > limit {
		t.Errorf("%d bytes allocated for a body of %d bytes, want at most %d", n, len(body), limit)
	}
	golden(t, "fault_requesttoolarge.xml", w.Body.Bytes())
	if len(rec.calls) != 0 {
		t.Errorf("the request was dispatched")
	}
}

// TestBudgetExceeded: elements, their nesting below the parameters, text
// and attribute bytes are taken from one budget per request; a request over
// a limit is a Client fault naming the limit, undispatched.
func TestBudgetExceeded(t *testing.T) {
	limits := protocols.Limits{MaxNodes: 8, MaxDepth: 2, MaxStringBytes: 300}
	tests := []struct {
		name, body, want string // want "": accepted
	}{
		{"within the limits", envelope(`<local_wsgate_ping><a><b><c>1</c></b></a></local_wsgate_ping>`), ""},
		{"too deep", envelope(`<local_wsgate_ping><a><b><c><d>1</d></c></b></a></local_wsgate_ping>`),
			tooLargeFault("nests deeper than 2 levels")},
		{"too many elements", envelope(`<local_wsgate_ping><a/><a/><a/><a/><a/><a/></local_wsgate_ping>`),
			tooLargeFault("holds more than 8 values")},
		{"header elements count", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h/><h/><h/><h/><h/></s:Header>` +
			`<s:Body><local_wsgate_ping/></s:Body></s:Envelope>`, tooLargeFault("holds more than 8 values")},
		{"too much text", envelope(`<local_wsgate_ping><a>` + strings.Repeat("x", 300) + `</a></local_wsgate_ping>`),
			tooLargeFault("holds more than 300 bytes of text")},
		{"attribute bytes count", envelope(`<local_wsgate_ping><a x="` + strings.Repeat("y", 200) + `"/></local_wsgate_ping>`),
			tooLargeFault("holds more than 300 bytes of text")},
		{"tag too long", envelope(`<local_wsgate_ping><a x="` + strings.Repeat("y", protocols.MaxTagBytes) + `"/></local_wsgate_ping>`),
			tooLargeFault("holds a tag longer than 4096 bytes")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(c *protocols.Call) (*protocols.Result, error) { return result(c, true) }}
			s := newServer(rec)
			s.Intake.Limits = limits
			w := post(t, s, "?wstoken="+testToken, tt.body)
			if tt.want == "" {
				if w.Code != http.StatusOK || len(rec.calls) != 1 {
					t.Fatalf("HTTP %d, %d calls: %s", w.Code, len(rec.calls), w.Body)
				}
				return
			}
			f := parseFault(t, w)
			if f.Code != "soap:Client" || f.String != tt.want || f.Detail.ErrorCode != "invalidparameter" {
				t.Errorf("fault %+v, want %q", f, tt.want)
			}
			if len(rec.calls) != 0 {
				t.Error("a request over the budget was dispatched")
			}
		})
	}
}

// TestInvalidTokenBeforeBody: the token of the query string is checked
// before the envelope is read; an unusable one is the invalidtoken fault at
// the cost of a few kilobytes, whatever the body.
func TestInvalidTokenBeforeBody(t *testing.T) {
	huge := envelope(`<local_wsgate_ping ` + strings.Repeat(`a="b" `, 1<<20) + `/>`)
	rec := &recorder{answer: func(c *protocols.Call) (*protocols.Result, error) { return result(c, true) }}
	tokens := &protocolstest.Tokens{Valid: testToken}
	s := newServer(rec)
	s.Intake.Tokens = tokens
	body := strings.NewReader(huge)
	r := httptest.NewRequest(http.MethodPost, soap.Path+"?wstoken=bad", body)
	w := httptest.NewRecorder()
	n := protocolstest.Allocated(func() { s.ServeHTTP(w, r) })
	t.Logf("%d bytes allocated", n)
	golden(t, "fault_invalidtoken.xml", w.Body.Bytes())
	if w.Code != http.StatusInternalServerError || body.Len() != len(huge) || len(rec.calls) != 0 || n > 16<<10 {
		t.Errorf("HTTP %d, %d body bytes read, %d calls, %d bytes allocated", w.Code, len(huge)-body.Len(), len(rec.calls), n)
	}
	// A usable token goes on to the envelope, checked once before it.
	w = post(t, s, "?wstoken="+testToken, envelope(`<local_wsgate_ping/>`))
	if w.Code != http.StatusOK || len(rec.calls) != 1 || tokens.Checks.Load() != 2 {
		t.Errorf("HTTP %d, %d calls, %d checks: %s", w.Code, len(rec.calls), tokens.Checks.Load(), w.Body)
	}
}

// TestDecodeGate: with every slot taken a request waits for one, then is
// answered; without a wait it is the serverbusy Server fault.
func TestDecodeGate(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{answer: func(c *protocols.Call) (*protocols.Result, error) { return result(c, true) }}
	busy := protocols.NewGate(1, 0)
	if err := busy.Enter(ctx); err != nil {
		t.Fatal(err)
	}
	defer busy.Leave()
	s := newServer(rec)
	s.Intake.Decodes = busy
	f := parseFault(t, post(t, s, "?wstoken="+testToken, envelope(`<local_wsgate_ping/>`)))
	if f.Code != "soap:Server" || f.Detail.ErrorCode != "serverbusy" || len(rec.calls) != 0 {
		t.Errorf("fault %+v, %d calls", f, len(rec.calls))
	}

	waiting := protocols.NewGate(1, time.Hour)
	if err := waiting.Enter(ctx); err != nil {
		t.Fatal(err)
	}
	s.Intake.Decodes = waiting
	var wg sync.WaitGroup
	var w *httptest.ResponseRecorder
	wg.Go(func() { w = post(t, s, "?wstoken="+testToken, envelope(`<local_wsgate_ping/>`)) })
	for waiting.Waiting() != 1 {
		time.Sleep(time.Millisecond) // until the request waits: a state, not a duration
	}
	waiting.Leave()
	wg.Wait()
	if w.Code != http.StatusOK || len(rec.calls) != 1 || waiting.Busy() != 0 {
		t.Errorf("HTTP %d, %d calls, %d slots taken: %s", w.Code, len(rec.calls), waiting.Busy(), w.Body)
	}
}
