package rest_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/rest"
)

// gen turns fuzz bytes into a description and a value tree.
type gen struct{ b []byte }

func (g *gen) next() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *gen) bytes(n int) []byte {
	n = min(n, len(g.b))
	out := g.b[:n]
	g.b = g.b[n:]
	return out
}

var fuzzKeys = []string{"a", "b", "0", "1", "id", `k"<&>`, "é", ""}
var fuzzTypes = []functions.ParamType{functions.ParamInt, functions.ParamFloat, functions.ParamBool, functions.ParamRaw, 0}

func (g *gen) desc(depth int) *functions.Description {
	c := g.next()
	if depth > 5 {
		c &^= 3
	}
	switch c % 8 {
	case 1, 5:
		d := &functions.Description{Shape: functions.SingleShape}
		for range int(g.next() % 5) {
			d.Keys = append(d.Keys, functions.Key{Name: fuzzKeys[int(g.next())%len(fuzzKeys)], Desc: g.desc(depth + 1)})
		}
		return d
	case 2, 6:
		return &functions.Description{Shape: functions.MultipleShape, Content: g.desc(depth + 1)}
	case 7:
		return nil
	}
	return &functions.Description{Shape: functions.ValueShape, Type: fuzzTypes[int(c>>3)%len(fuzzTypes)]}
}

func (g *gen) value(depth int) any {
	c := g.next()
	if depth > 6 {
		c %= 10
	}
	switch c % 16 {
	case 0:
		return nil
	case 1:
		return c&0x10 != 0
	case 2:
		return int64(binary.LittleEndian.Uint64(append(g.bytes(8), make([]byte, 8)...)))
	case 3:
		return math.Float64frombits(binary.LittleEndian.Uint64(append(g.bytes(8), make([]byte, 8)...)))
	case 4:
		return string(g.bytes(int(g.next() % 24)))
	case 5:
		return int(int8(g.next()))
	case 6:
		return float32(int8(g.next())) / 7
	case 7:
		return json.Number(g.bytes(int(g.next() % 8)))
	case 8:
		return uint64(math.MaxUint64) - uint64(g.next())
	case 9:
		return struct{ X int }{1}
	case 10, 11, 12:
		m := map[string]any{}
		for range int(g.next() % 5) {
			m[fuzzKeys[int(g.next())%len(fuzzKeys)]] = g.value(depth + 1)
		}
		return m
	case 13, 14:
		l := []any{}
		for range int(g.next() % 5) {
			l = append(l, g.value(depth+1))
		}
		return l
	}
	return map[string]string{"a": "x", "1": "y"}
}

// FuzzEncode encodes random trees with random descriptions: no panic, the
// JSON is always valid, and the XML well-formed unless a string carries
// characters XML 1.0 forbids (PHP writes those as they are too).
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "\x01\x03a\x04\x05hello", "\x02\x01\x0a\x02\x00\x04", "\x05\x02\x01\x00\x0d\x03\x02\x04\x00"} {
		f.Add([]byte(s), []byte(s))
	}
	f.Fuzz(func(t *testing.T, descBytes, valueBytes []byte) {
		d := (&gen{b: descBytes}).desc(0)
		v := (&gen{b: valueBytes}).value(0)
		j := rest.EncodeJSON(d, v)
		if !json.Valid(j) {
			t.Fatalf("invalid JSON %q", j)
		}
		x := rest.EncodeXML(d, v)
		if !utf8.Valid(x) {
			t.Fatalf("XML is not UTF-8: %q", x)
		}
		if xmlChars(x) {
			dec := xml.NewDecoder(bytes.NewReader(x))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("XML not well-formed (%v): %q", err, x)
				}
			}
		}
	})
}

// xmlChars reports whether every rune of b is allowed in XML 1.0.
func xmlChars(b []byte) bool {
	for _, r := range string(b) {
		if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// fuzzBodyTypes are the bodies FuzzBudget sends.
var fuzzBodyTypes = []string{"application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=XX"}

// FuzzBudget sends any query string and body (form, JSON or multipart)
// within any small budget: the server never panics, answers in the format
// asked for, and the parameters it dispatches never hold more values,
// nesting or text than the budget allows.
func FuzzBudget(f *testing.F) {
	f.Add("a[b][c]=1&moodlewsrestformat=json", []byte("x[]=1&x[]=2&y[z]=3"), uint8(0), uint8(10), uint8(2), uint16(100))
	f.Add("wsfunction=f", []byte(`{"a":[1,[2,{"b":"c"}]],"d":{}}`), uint8(1), uint8(8), uint8(2), uint16(40))
	f.Add("", []byte("--XX\r\nContent-Disposition: form-data; name=\"a[b][c]\"\r\n\r\nv\r\n--XX--\r\n"), uint8(2), uint8(3), uint8(1), uint16(20))
	f.Add("a"+strings.Repeat("[x]", 70)+"=1", []byte(`{"k":"`+strings.Repeat("v", 90)+`"}`), uint8(1), uint8(50), uint8(60), uint16(80))
	f.Fuzz(func(t *testing.T, query string, body []byte, kind, nodes, depth uint8, text uint16) {
		limits := protocols.Limits{MaxNodes: int(nodes) + 1, MaxDepth: int(depth%70) + 1, MaxStringBytes: int64(text) + 1}
		d := &recorder{res: okResult()}
		s := &rest.Server{Dispatcher: d, Intake: protocols.Intake{Limits: limits}}
		r := httptest.NewRequest(http.MethodPost, rest.Path, bytes.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", fuzzBodyTypes[int(kind)%len(fuzzBodyTypes)])
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte("generalexceptionmessage")) {
			t.Fatalf("HTTP %d: %s", w.Code, w.Body)
		}
		if json.Valid(w.Body.Bytes()) == (w.Header().Get("Content-Type") != "application/json") {
			t.Fatalf("%s answered as %s", w.Body, w.Header().Get("Content-Type"))
		}
		if len(d.calls) == 1 {
			protocolstest.CheckWithin(t, protocols.NewBudget(limits).Limits(), d.calls[0].Params, nil)
		}
	})
}
