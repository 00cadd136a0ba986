package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
)

// fuzzReturns describes what the fuzz Dispatcher returns: the decoded
// parameters, which rarely match it, so the encoder meets every shape.
var fuzzReturns = &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
	{Name: "a", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt, AllowNull: true}},
	{Name: "b", Desc: &functions.Description{Shape: functions.MultipleShape,
		Content: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamBool}}},
	{Name: "item", Desc: &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "key", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamFloat}},
	}}},
}}

// fuzzParams types the parameters of every function the fuzzer names.
var fuzzParams = &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
	{Name: "i", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt}},
	{Name: "f", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamFloat}},
	{Name: "b", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamBool}},
	{Name: "l", Desc: &functions.Description{Shape: functions.MultipleShape,
		Content: &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
			{Name: "s", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamRaw}},
		}}}},
	{Name: "m", Desc: &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "x", Desc: &functions.Description{Shape: functions.MultipleShape,
			Content: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt}}},
	}}},
}}

func fuzzServer() *Server {
	return &Server{
		Dispatcher: protocols.DispatcherFunc(func(_ context.Context, call *protocols.Call) (*protocols.Result, error) {
			if call.Function == "" || !validName(call.Function) {
				return nil, wsgate.ErrInvalidRecord
			}
			var v any = call.Params
			if call.Args != nil {
				v = call.Args
			}
			if strings.HasPrefix(call.Function, "void") {
				return &protocols.Result{Function: &functions.Function{Name: call.Function}}, nil
			}
			return &protocols.Result{Function: &functions.Function{Name: call.Function, Returns: fuzzReturns}, Value: v}, nil
		}),
		Functions: func(name string) (*functions.Function, bool) {
			return &functions.Function{Name: name, Params: fuzzParams}, !strings.HasPrefix(name, "unknown")
		},
		Log:          slog.New(slog.DiscardHandler),
		MaxBodyBytes: 1 << 16,
		BaseURL:      func(*http.Request) string { return "http://h/s" },
	}
}

// wellFormed reads b to the end with encoding/xml.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// FuzzDecodeEnvelope: any body, document/literal or rpc/encoded with
// multi-reference values, gets a well-formed response or a fault, never a
// panic and never an internal error.
func FuzzDecodeEnvelope(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "rpc_*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	env := func(body string) []byte {
		return []byte(`<s:Envelope xmlns:s="` + nsEnvelope + `" xmlns:i="` + nsXSI + `"><s:Body>` + body + `</s:Body></s:Envelope>`)
	}
	f.Add(env(`<f><i>12</i><f>1e3</f><b>true</b><l><item><s>x</s></item></l><m><x><item>1</item></x></m></f>`))
	f.Add(env(`<f><param0 i:type="xsd:int">1</param0><param1 i:nil="true"/></f>`))
	f.Add(env(`<unknown><a><item><key>k</key><value>v</value></item></a><r/><r>1</r></unknown>`))
	f.Add(env(`<void/>`))
	f.Add(env(`<f><m><item><key>x</key><value><item>2</item></value></item></m></f>`))
	rpc := func(body string) []byte {
		return []byte(`<s:Envelope xmlns:s="` + nsEnvelope + `" xmlns:i="` + nsXSI + `" xmlns:e="` + nsEncoding +
			`" s:encodingStyle="` + nsEncoding + `" xmlns:n="urn:x"><s:Body>` + body + `</s:Body></s:Envelope>`)
	}
	f.Add(rpc(`<n:f><l e:arrayType="e:Struct[2]" i:type="e:Array"><item id="r1"><s>x</s></item><item href="#r1"/></l></n:f>`))
	f.Add(rpc(`<n:f><m href="#a"/></n:f><x id="a"><x href="#b"/><y href="#b"/></x><z id="b"><item i:type="xsd:int">1</item></z>`))
	f.Add(rpc(`<n:f><l id="a"><item href="#a"/></l><i href="#nope"/></n:f>`))
	f.Add(rpc(`<n:unknown><a i:type="e:Struct"><b i:type="xsd:boolean">true</b></a></n:unknown>`))
	f.Add([]byte(`<!DOCTYPE x><x/>`))
	f.Add([]byte{})
	s := fuzzServer()
	f.Fuzz(func(t *testing.T, body []byte) {
		// The decoder alone: no recover() hides a panic here.
		e, err := readEnvelope(bytes.NewReader(body), protocols.NewBudget(protocols.Limits{}))
		if err == nil {
			err = resolveRefs(e, protocols.NewBudget(protocols.Limits{}))
		}
		if err == nil {
			_ = rpcStyle(e, "http://h/s")
			_, _, _ = paramsOf(e.op, fuzzParams, protocols.NewBudget(protocols.Limits{}))
			_, _, _ = paramsOf(e.op, nil, protocols.NewBudget(protocols.Limits{}))
		} else {
			var re *requestError
			if !errors.As(err, &re) || re.err.Kind != wsgate.Invalid {
				t.Fatalf("decode error %v is not a client fault", err)
			}
		}
		r := httptest.NewRequest(http.MethodPost, Path+"?wstoken=t", bytes.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		out := w.Body.Bytes()
		if err := wellFormed(out); err != nil {
			t.Fatalf("response is not well-formed XML (%v):\n%s", err, out)
		}
		switch w.Code {
		case http.StatusOK:
		case http.StatusInternalServerError, http.StatusRequestEntityTooLarge:
			if !bytes.Contains(out, []byte("<soap:Fault>")) {
				t.Fatalf("HTTP %d without a fault:\n%s", w.Code, out)
			}
			if bytes.Contains(out, []byte("generalexceptionmessage")) {
				t.Fatalf("internal error (a panic?):\n%s", out)
			}
		default:
			t.Fatalf("HTTP %d", w.Code)
		}
	})
}

// FuzzBudget decodes any body within any small budget, with and without a
// description: decoding never panics, a refusal is a Client fault, and the
// parameters it makes never hold more values, nesting or text than the
// budget allows.
func FuzzBudget(f *testing.F) {
	env := func(body string) []byte {
		return []byte(`<s:Envelope xmlns:s="` + nsEnvelope + `" xmlns:i="` + nsXSI + `"><s:Body>` + body + `</s:Body></s:Envelope>`)
	}
	f.Add(env(`<f><i>12</i><l><item><s>x</s></item><item><s>y</s></item></l></f>`), uint8(20), uint8(3), uint16(400))
	f.Add(env(`<u><r><q>1</q><q>2</q></r><r><q>3</q></r></u>`), uint8(30), uint8(1), uint16(400))
	f.Add(env(`<u><m><item><key>k</key><value><item>1</item></value></item></m></u>`), uint8(10), uint8(2), uint16(200))
	f.Add(env(`<f><param0 i:type="xsd:int">1</param0><param1 a="`+strings.Repeat("b", 300)+`"/></f>`), uint8(9), uint8(0), uint16(500))
	f.Add(env(`<f><l id="a"><item>x</item><item>y</item></l><m href="#a"/><n href="#a"/></f>`), uint8(12), uint8(3), uint16(40))
	f.Add(env(`<f><m href="#a"/></f><x id="a"><p href="#b"/><q href="#b"/></x><z id="b"><s>ab</s></z>`), uint8(12), uint8(4), uint16(60))
	f.Fuzz(func(t *testing.T, body []byte, nodes, depth uint8, text uint16) {
		limits := protocols.Limits{MaxNodes: int(nodes) + 1, MaxDepth: int(depth%70) + 1, MaxStringBytes: int64(text) + 1}
		for _, d := range []*functions.Description{fuzzParams, nil} {
			b := protocols.NewBudget(limits)
			e, err := readEnvelope(bytes.NewReader(body), b)
			var params map[string]any
			var args []any
			if err == nil {
				err = resolveRefs(e, b)
			}
			if err == nil {
				params, args, err = paramsOf(e.op, d, b)
			}
			if err != nil {
				if wsgate.KindOf(err) != wsgate.Invalid {
					t.Fatalf("decode error %v is not a client fault", err)
				}
				continue
			}
			protocolstest.CheckWithin(t, b.Limits(), params, args)
		}
	})
}

// descReader builds descriptions and names from fuzz bytes.
type descReader struct {
	b []byte
}

func (r *descReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// name is a short name, usually valid, sometimes not.
func (r *descReader) name() string {
	n := int(r.byte() % 6)
	const alphabet = "ab_-.1Z\"<&é item"
	var sb strings.Builder
	for range n {
		sb.WriteByte(alphabet[int(r.byte())%len(alphabet)])
	}
	return sb.String()
}

func (r *descReader) desc(depth int) *functions.Description {
	c := r.byte()
	if c == 0xFF || depth > 60 {
		return nil
	}
	d := &functions.Description{
		Shape:     functions.Shape(c % 4), // 3 is not a shape
		Type:      functions.ParamType(r.byte() % 34),
		Presence:  functions.Presence(r.byte() % 4),
		AllowNull: c&0x10 != 0,
		Doc:       r.name() + "]]> <!-- -->\x00\x01\uFFFE" + r.name(),
	}
	if d.Presence == functions.Default {
		d.DefaultVal = []any{"x\x02<", int64(3), 1.5, true, nil, map[string]any{}}[r.byte()%6]
	}
	switch d.Shape {
	case functions.SingleShape:
		n := int(r.byte() % 5)
		for range n {
			d.Keys = append(d.Keys, functions.Key{Name: r.name(), Desc: r.desc(depth + 1)})
		}
	case functions.MultipleShape:
		d.Content = r.desc(depth + 1)
	}
	return d
}

// FuzzWSDL: random descriptions never panic the generators (both styles)
// and their output always parses with encoding/xml, as do the answers
// encoded after them.
func FuzzWSDL(f *testing.F) {
	f.Add([]byte{1, 0, 0, 2, 1, 2, 3, 4, 0, 0, 0, 0}, "http://h/s?a=1&b=<2>", "tok&en\"")
	f.Add([]byte{1, 1, 1, 3, 2, 9, 9, 2, 5, 5, 0, 1, 2, 0, 3, 3, 0}, "https://lms.example.org/webservice/soap/server.php", "t")
	f.Add(bytes.Repeat([]byte{2, 0, 0, 0}, 80), "", "")
	f.Fuzz(func(t *testing.T, data []byte, base, token string) {
		r := &descReader{b: data}
		var fns []*functions.Function
		for i := 0; len(r.b) > 0 && i < 8; i++ {
			fn := &functions.Function{Name: r.name(), Description: r.name() + "*/ `x`", Deprecated: r.byte()&1 == 1,
				Params: r.desc(0), Returns: r.desc(0)}
			if r.byte()%3 == 0 {
				fn.Name = "f_" + fn.Name
			}
			fns = append(fns, fn)
		}
		fns = append(fns, nil)
		for _, gen := range []func(string, string, []*functions.Function) []byte{WSDL, RPCWSDL} {
			if out := gen(base, token, fns); wellFormed(out) != nil {
				t.Fatalf("WSDL is not well-formed XML (%v):\n%s", wellFormed(out), out)
			}
		}
		// Every published function's response encodes to well-formed XML too.
		ops, _ := selectFunctions(fns)
		for _, fn := range ops {
			resp := AppendResponse(nil, base, fn.Name, fn.Returns, map[string]any{"a": []any{int64(1), "<", nil}, "item": 1.5})
			if err := wellFormed(resp); err != nil {
				t.Fatalf("response of %s is not well-formed XML (%v):\n%s", fn.Name, err, resp)
			}
			resp = AppendRPCResponse(nil, base, token, fn.Name, fn.Returns, map[string]any{"a": []any{int64(1), "<", nil, true}, "item": 1.5})
			if err := wellFormed(resp); err != nil {
				t.Fatalf("rpc response of %s is not well-formed XML (%v):\n%s", fn.Name, err, resp)
			}
		}
	})
}
