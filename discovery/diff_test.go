package discovery

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestDiffLog(t *testing.T) {
	d := &Diff{
		FunctionsAdded:    []string{"core_a", "core_b"},
		FunctionsChanged:  []string{"core_c"},
		ServicesAdded:     []string{"svc"},
		LinksAdded:        []Link{{"svc", "core_a"}, {"svc", "core_b"}},
		CapabilitiesAdded: []string{"core/x:y"},
	}
	const summary = "functions +2 ~1 -0, services +1 ~0 -0, service functions +2 -0, capabilities +1"
	if got := d.Summary(); got != summary {
		t.Errorf("Summary() = %q, want %q", got, summary)
	}
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		t.Run(level.String(), func(t *testing.T) {
			var text, js bytes.Buffer
			d.Log(context.Background(), slog.New(slog.NewTextHandler(&text, &slog.HandlerOptions{Level: level})))
			d.Log(context.Background(), slog.New(slog.NewJSONHandler(&js, &slog.HandlerOptions{Level: level})))
			want := 1
			if level == slog.LevelDebug {
				want += len(d.Changes())
			}
			lines := strings.Split(strings.TrimSpace(text.String()), "\n")
			if len(lines) != want {
				t.Fatalf("%d text lines, want %d:\n%s", len(lines), want, text.String())
			}
			if !strings.Contains(lines[0], `msg="components upgraded" summary="`+summary+`"`) {
				t.Errorf("summary line = %s", lines[0])
			}
			if strings.Contains(text.String(), `\n`) {
				t.Errorf("a line holds an escaped newline:\n%s", text.String())
			}
			if level == slog.LevelDebug && !strings.Contains(text.String(), `kind=service_function action=added name="svc: core_b"`) {
				t.Errorf("no line for the link:\n%s", text.String())
			}
			var recs []map[string]any
			for _, l := range strings.Split(strings.TrimSpace(js.String()), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatal(err)
				}
				recs = append(recs, rec)
			}
			if len(recs) != want || recs[0]["summary"] != summary {
				t.Errorf("JSON lines = %v", recs)
			}
			if level == slog.LevelDebug && (recs[1]["kind"] != "function" || recs[1]["action"] != "added" || recs[1]["name"] != "core_a") {
				t.Errorf("first change = %v", recs[1])
			}
		})
	}
}
