package xmlrpc_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/xmlrpc"
)

// echoReturns writes the decoded arguments back by their Go types.
var echoReturns = &functions.Description{Shape: functions.MultipleShape}

// FuzzDecode sends arbitrary bodies: the server never panics and always
// answers HTTP 200 with a methodResponse of the decoded arguments or a
// fault, both well-formed XML.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		call("f", "<int>1</int>", "x", "<boolean>1</boolean>", "<double>-1.5e3</double>", "<nil/>",
			"<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>", "<base64>aGk=</base64>",
			"<struct><member><name>a</name><value><array><data><value><i8>9</i8></value></data></array></value></member></struct>"),
		`<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>f</methodName></methodCall>`,
		`<!DOCTYPE m [<!ENTITY a "b">]><methodCall><methodName>&a;</methodName></methodCall>`,
		call("f", nested(40)),
		call("f", "<ex:nil/>", "<string><![CDATA[<x>]]></string>", "a &amp; &#x263A;"),
		"\ufeff<methodCall><methodName> system.listMethods </methodName><params/></methodCall><!-- c -->",
		"",
		"<methodCall>",
		"<?pi x?><!--c--><methodCall a='>'><methodName>f</methodName><params><param><value><string><![CDATA[]]>]]></string></value></param></params></methodCall>",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	var dispatched int
	d := protocols.DispatcherFunc(func(_ context.Context, c *protocols.Call) (*protocols.Result, error) {
		dispatched++
		if c.Args == nil {
			return nil, errors.New("Args is nil")
		}
		return &protocols.Result{Function: &functions.Function{Name: c.Function, Returns: echoReturns}, Value: c.Args}, nil
	})
	fk := newFake()
	s := &xmlrpc.Server{Dispatcher: d, Lister: fk, MaxBodyBytes: 64 << 10, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.Fuzz(func(t *testing.T, body []byte) {
		dispatched = 0
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, xmlrpc.Path+"?wstoken=t", bytes.NewReader(body)))
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		out := w.Body.Bytes()
		mustParse(t, out)
		isFault := bytes.Contains(out, []byte("<methodResponse><fault>"))
		if !isFault && !bytes.Contains(out, []byte("<methodResponse><params><param><value>")) {
			t.Fatalf("neither a response nor a fault:\n%s", out)
		}
		if isFault && dispatched != 0 {
			t.Fatalf("a fault after a dispatch:\n%s", out)
		}

		mc, err := xmlrpc.DecodeCall(bytes.NewReader(body))
		if err != nil {
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Fatalf("error %v is not invalidparameter", err)
			}
			return
		}
		if mc.Params == nil {
			t.Fatalf("nil Params")
		}
		checkTree(t, mc.Params, 0)
	})
}

// FuzzBudget decodes any body within any small budget: never a panic, a
// refusal is invalidparameter, and the arguments never hold more values,
// nesting or text than the budget allows.
func FuzzBudget(f *testing.F) {
	f.Add([]byte(call("f", nested(3), "x", "<struct><member><name>ab</name><value><i4>1</i4></value></member></struct>")), uint8(10), uint8(2), uint16(60))
	f.Add([]byte(call("f", "<base64>aGVsbG8gd29ybGQ=</base64>", "<string>  spaced  </string>", "<array><data/></array>")), uint8(5), uint8(0), uint16(40))
	f.Add([]byte(`<methodCall a="bbbbbbbbbb"><methodName>f</methodName></methodCall>`), uint8(1), uint8(1), uint16(8))
	f.Fuzz(func(t *testing.T, body []byte, nodes, depth uint8, text uint16) {
		b := protocols.NewBudget(protocols.Limits{MaxNodes: int(nodes) + 1, MaxDepth: int(depth%70) + 1, MaxStringBytes: int64(text) + 1})
		mc, err := xmlrpc.DecodeCallWithin(bytes.NewReader(body), b)
		if err != nil {
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Fatalf("error %v is not invalidparameter", err)
			}
			return
		}
		l := b.Limits()
		l.MaxStringBytes -= int64(len(mc.Method)) // the method name is text too
		protocolstest.CheckWithin(t, l, nil, mc.Params)
	})
}

// checkTree fails unless v holds only the generic tree's types.
func checkTree(t *testing.T, v any, depth int) {
	t.Helper()
	if depth > protocols.DefaultMaxDepth+1 {
		t.Fatalf("tree deeper than MaxDepth")
	}
	switch x := v.(type) {
	case nil, string, int64, float64, bool:
	case map[string]any:
		for _, m := range x {
			checkTree(t, m, depth+1)
		}
	case []any:
		for _, m := range x {
			checkTree(t, m, depth+1)
		}
	default:
		t.Fatalf("unexpected type %T", v)
	}
}

// FuzzEncode encodes random trees against random descriptions: never a
// panic, always well-formed XML; faults of random errors too.
func FuzzEncode(f *testing.F) {
	f.Add([]byte{2, 3, 1, 'a', 1, 1, 'b', 3, 1, 4, 0, 1, 'c', 2, 0}, []byte{10, 3, 1, 'a', 2, 1, 2, 3, 1, 'b', 9, 2, 0, 1}, "x<y&\x00\xff")
	f.Add([]byte{3, 3, 1, 2}, []byte{11, 4, 2, 0, 3, 5, 6, 7, 8, 9, 12, 13, 14, 15}, "1e400")
	f.Add([]byte{}, []byte{}, "")
	f.Fuzz(func(t *testing.T, descSeed, valSeed []byte, s string) {
		dg := &gen{b: descSeed, s: s}
		vg := &gen{b: valSeed, s: s}
		d := dg.desc(0)
		v := vg.value(0)
		out := xmlrpc.EncodeResponse(d, v)
		mustParse(t, out)
		if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n<methodResponse><params><param><value>")) {
			t.Fatalf("not a methodResponse:\n%s", out)
		}
		fault := xmlrpc.EncodeFault(&wsgate.Error{Message: s, Code: vg.str(), DebugInfo: s}, true)
		mustParse(t, fault)
	})
}

// gen builds descriptions and values from fuzz bytes; it yields zeros when
// the bytes run out.
type gen struct {
	b []byte
	s string
}

func (g *gen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *gen) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], g.b)
	g.b = g.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

// str returns a key from a small pool, so that values meet descriptions,
// or a piece of the fuzzed string.
func (g *gen) str() string {
	switch c := g.byte(); c % 5 {
	case 0, 1, 2:
		return string(rune('a' + c%5))
	case 3:
		return ""
	default:
		n := int(g.byte()) % (len(g.s) + 1)
		return g.s[:n]
	}
}

func (g *gen) desc(depth int) *functions.Description {
	if depth > 6 {
		return nil
	}
	switch g.byte() % 5 {
	case 0:
		return nil
	case 1:
		return &functions.Description{Shape: functions.ValueShape, Type: functions.ParamType(g.byte() % 34)}
	case 2:
		d := &functions.Description{Shape: functions.SingleShape}
		for n := g.byte() % 5; n > 0; n-- {
			d.Keys = append(d.Keys, functions.Key{Name: g.str(), Desc: g.desc(depth + 1)})
		}
		return d
	case 3:
		return &functions.Description{Shape: functions.MultipleShape, Content: g.desc(depth + 1)}
	default:
		return &functions.Description{Shape: functions.Shape(g.byte())}
	}
}

type plain struct {
	A int `json:"a"`
	B any
	c string
}

func (g *gen) value(depth int) any {
	if depth > 8 {
		return nil
	}
	switch g.byte() % 24 {
	case 0:
		return nil
	case 1:
		return g.str()
	case 2:
		return int64(g.u64())
	case 3:
		return math.Float64frombits(g.u64())
	case 4:
		return g.byte()%2 == 0
	case 5:
		return int(int32(g.u64()))
	case 6:
		return int32(g.u64())
	case 7:
		return math.Float32frombits(uint32(g.u64()))
	case 8:
		return json.Number(g.str())
	case 9:
		return g.u64()
	case 10:
		m := map[string]any{}
		for n := g.byte() % 5; n > 0; n-- {
			m[g.str()] = g.value(depth + 1)
		}
		return m
	case 11:
		var s []any
		for n := g.byte() % 5; n > 0; n-- {
			s = append(s, g.value(depth+1))
		}
		return s
	case 12:
		return []byte(g.str())
	case 13:
		return (*int)(nil)
	case 14:
		return map[int]string{int(g.byte()): g.str()}
	case 15:
		return plain{A: int(g.byte()), B: g.value(depth + 1), c: "x"}
	case 16:
		n := int64(g.u64())
		return &n
	case 17:
		return []string{g.str(), g.str()}
	case 18:
		return complex(1, 2)
	case 19:
		return float64(int64(g.u64()) >> (g.byte() % 64))
	case 20:
		return json.Number(strings.Repeat("9", int(g.byte())))
	case 21:
		return map[string]any(nil)
	case 22:
		return uint8(g.byte())
	default:
		return g.s
	}
}

// TestFuzzHelpers keeps mustParse honest: it must refuse broken XML.
func TestFuzzHelpers(t *testing.T) {
	for _, bad := range []string{"<a>", "<a></b>", "<a>\x00</a>", "<a>&x;</a>"} {
		if err := parseXML([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	var se *xml.SyntaxError
	if err := parseXML([]byte("<a>")); !errors.As(err, &se) {
		t.Errorf("err = %v", err)
	}
}
