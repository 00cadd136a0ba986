package protocolstest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
)

// KeptSite is the function KeptAnswers answers for: a site name and a user id,
// the shape of a get_site_info answer.
var KeptSite = &functions.Function{Name: "core_webservice_get_site_info", Component: "core_webservice",
	Returns: &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "sitename", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamRaw}},
		{Name: "userid", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt}},
	}}}

// KeptAnswers is a Dispatcher that answers every call with its kept answer,
// cleaned as the Pipeline cleans one, so the protocol keeps its encodings;
// with fresh set the encodings are left out and every answer is encoded anew.
type KeptAnswers struct {
	answer atomic.Pointer[functions.Kept]
	fresh  atomic.Bool
}

// Dispatch answers call with the kept answer.
func (d *KeptAnswers) Dispatch(context.Context, *protocols.Call) (*protocols.Result, error) {
	value, enc, err := functions.CleanReturnKept(KeptSite.Returns, d.answer.Load())
	if err != nil {
		return nil, err
	}
	if d.fresh.Load() {
		enc = nil
	}
	return &protocols.Result{Function: KeptSite, Value: value, Encodings: enc}, nil
}

// CheckKeptEncodings checks a protocol's encodings of kept answers: each
// variant (a request in one form, sent through d, answered with HTTP 200) is
// answered the same whether encoded anew or from what was kept, twice; the
// variants differ, so no variant is answered with another's bytes; and a new
// kept answer (the profile changed) is encoded anew.
func CheckKeptEncodings(t *testing.T, d *KeptAnswers, variants map[string]func() *httptest.ResponseRecorder) {
	t.Helper()
	var before map[string][]byte
	for round, answer := range []map[string]any{
		{"sitename": "Site <one> & co", "userid": "2"},
		{"sitename": "Site two", "userid": "3"},
	} {
		d.answer.Store(functions.Keep(answer))
		seen := map[string][]byte{}
		for name, variant := range variants {
			send := func() []byte {
				w := variant()
				if w.Code != http.StatusOK {
					t.Fatalf("round %d, %s: HTTP %d %s", round, name, w.Code, w.Body)
				}
				return w.Body.Bytes()
			}
			first, second := send(), send()
			d.fresh.Store(true)
			fresh := send()
			d.fresh.Store(false)
			if !bytes.Equal(first, fresh) || !bytes.Equal(second, fresh) {
				t.Errorf("round %d, %s: kept answers\n%s\n%s\nwant the fresh encoding\n%s", round, name, first, second, fresh)
			}
			if before != nil && bytes.Equal(before[name], fresh) {
				t.Errorf("round %d, %s: a new kept answer gave the old bytes %s", round, name, fresh)
			}
			for other, b := range seen {
				if bytes.Equal(b, fresh) {
					t.Errorf("round %d: %s and %s are answered alike; the variants must differ for this test", round, name, other)
				}
			}
			seen[name] = fresh
		}
		before = seen
	}
}
