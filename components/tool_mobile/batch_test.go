package tool_mobile

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/services"
)

// recorder answers inner calls from a table and records them.
type recorder struct {
	calls []services.InnerCall
	fail  map[string]error
}

func (r *recorder) DispatchInner(_ context.Context, c services.InnerCall) (*functions.Function, any, error) {
	r.calls = append(r.calls, c)
	if err := r.fail[c.Function]; err != nil {
		return nil, nil, err
	}
	return nil, c.Params, nil
}

func deps(r *recorder) Deps {
	return Deps{Calls: r, MaxRequests: 3,
		EncodeData:      func(_ *functions.Description, v any) []byte { b, _ := json.Marshal(v); return b },
		EncodeException: func(err error) []byte { return []byte(wsgate.CodeOf(err)) }}
}

func request(function, args string, extra ...any) map[string]any {
	m := map[string]any{"function": function, "arguments": args, "settingraw": false, "settingfilter": false,
		"settingfileurl": true, "settinglang": ""}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func TestBatchRunsUntilTheFirstError(t *testing.T) {
	r := &recorder{fail: map[string]error{"b": wsgate.ErrAccess}}
	out, err := deps(r).callExternalFunctions(context.Background(), map[string]any{"requests": []any{
		request("a", `{"x":1}`, "settinglang", "pt-BR", "settingraw", true),
		request("b", "{}"),
		request("c", "[]"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	data, exc := `{"x":1}`, "accessexception"
	want := map[string]any{"responses": []response{{Data: &data}, {Error: true, Exception: &exc}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("answer %+v, want %+v", out, want)
	}
	if len(r.calls) != 2 {
		t.Fatalf("%d calls, want 2 (c is never run)", len(r.calls))
	}
	if s := *r.calls[0].Settings; s != (wsgate.Settings{Raw: true, FileURL: true, Lang: "pt_br"}) {
		t.Errorf("settings of a: %+v", s)
	}
	if p := r.calls[0].Params; p["x"] != json.Number("1") {
		t.Errorf("params of a: %#v", p)
	}
}

func TestBatchRefusedWhole(t *testing.T) {
	cases := []struct {
		name     string
		requests []any
	}{
		{"over the limit", []any{request("a", "{}"), request("a", "{}"), request("a", "{}"), request("a", "{}")}},
		{"nested", []any{request("a", "{}"), request(BatchFunction, "{}")}},
		{"malformed arguments", []any{request("a", "{}"), request("a", `{"x":`)}},
		{"arguments a list", []any{request("a", "[1]")}},
		{"arguments null", []any{request("a", "null")}},
		{"two objects", []any{request("a", "{}{}")}},
		{"bad lang", []any{request("a", "{}", "settinglang", "x y")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{}
			_, err := deps(r).callExternalFunctions(context.Background(), map[string]any{"requests": c.requests})
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Errorf("error %v, want invalidparameter", err)
			}
			if len(r.calls) != 0 {
				t.Errorf("%d items ran", len(r.calls))
			}
		})
	}
}

// FuzzBatch feeds arbitrary functions, arguments and languages: the batch
// either runs every item or refuses with invalidparameter, never panics,
// and never runs a nested batch.
func FuzzBatch(f *testing.F) {
	for _, s := range [][3]string{{"a", "{}", ""}, {"a", `{"x":[1,{"y":null}]}`, "en"}, {BatchFunction, "{}", ""},
		{"a", `{"a":`, ""}, {"a", "[]", "pt-BR"}, {"a", `"x"`, "../x"}, {"", "", ""}, {"a", "{}  ", "EN_us"}} {
		f.Add(s[0], s[1], s[2], 2)
	}
	f.Fuzz(func(t *testing.T, function, args, lang string, n int) {
		n = n%30 + 1
		if n < 1 {
			n = -n + 1
		}
		list := make([]any, n)
		for i := range list {
			list[i] = request(function, args, "settinglang", lang)
		}
		r := &recorder{}
		out, err := (Deps{Calls: r, MaxRequests: 10, EncodeData: deps(r).EncodeData,
			EncodeException: deps(r).EncodeException}).callExternalFunctions(context.Background(), map[string]any{"requests": list})
		if err != nil {
			if !errors.Is(err, wsgate.ErrInvalidParameter) || len(r.calls) != 0 {
				t.Fatalf("error %v after %d calls", err, len(r.calls))
			}
			return
		}
		if function == BatchFunction || n > 10 {
			t.Fatalf("a batch of %d calling %q ran", n, function)
		}
		if got := len(out.(map[string]any)["responses"].([]response)); got != n {
			t.Fatalf("%d responses for %d requests", got, n)
		}
	})
}
