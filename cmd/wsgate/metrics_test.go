package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestMetrics makes a few calls and reads /metrics back with Prometheus' parser.
func TestMetrics(t *testing.T) {
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbtest.URL(t, db.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	token := siteAdminToken(t, app, "m", "", "wsgate_admin")
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.Serve(sctx) }()
	defer func() { stop(); <-done }()

	for _, q := range []url.Values{
		{"wstoken": {token}, "wsfunction": {"core_webservice_get_site_info"}},
		{"wstoken": {token}, "wsfunction": {"core_webservice_get_site_info"}},
		{"wstoken": {"bad"}, "wsfunction": {"core_webservice_get_site_info"}},
		{"wstoken": {token}, "wsfunction": {"no_such_function_" + t.Name()}},
	} {
		restGet(t, app.URL(), q)
	}
	resp, err := http.Get(app.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	count := func(fn, outcome string) float64 {
		for _, m := range families["wsgate_calls_total"].GetMetric() {
			labels := model.LabelSet{}
			for _, l := range m.GetLabel() {
				labels[model.LabelName(l.GetName())] = model.LabelValue(l.GetValue())
			}
			if labels["function"] == model.LabelValue(fn) && labels["outcome"] == model.LabelValue(outcome) && labels["protocol"] == "rest" {
				return m.GetCounter().GetValue()
			}
		}
		return 0
	}
	if n := count("core_webservice_get_site_info", "ok"); n != 2 {
		t.Errorf("ok calls = %v, want 2", n)
	}
	if n := count("core_webservice_get_site_info", "invalidtoken"); n != 1 {
		t.Errorf("invalidtoken calls = %v, want 1", n)
	}
	if n := count("unknown", "invalidrecord"); n != 1 {
		t.Errorf("calls of an unknown function = %v, want 1 under function=\"unknown\"", n)
	}
	for _, name := range []string{"wsgate_call_duration_seconds", "wsgate_authz_cache_tokens", "wsgate_authz_cache_users",
		"wsgate_authz_cache_invalidations_total", "wsgate_outbox_backlog", "wsgate_log_dropped_total", "go_sql_open_connections"} {
		if _, ok := families[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if v := families["wsgate_authz_cache_tokens"].GetMetric()[0].GetGauge().GetValue(); v < 1 {
		t.Errorf("cached tokens = %v after calls", v)
	}
}
