// Package metrics exposes the gateway's Prometheus metrics: calls by function,
// protocol and outcome, call latency, the authorization cache, the event
// outbox, the database pool, log lines dropped and rate limiting.
package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors of one gateway process.
type Metrics struct {
	registry *prometheus.Registry
	calls    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	limited  *prometheus.CounterVec
	rlFailed prometheus.Counter
}

// CacheStats is the size of the authorization cache at scrape time
// (filled by cmd from services.Authorizer.Stats, so metrics imports nothing above it).
type CacheStats struct {
	Tokens, UnknownTokens, Users int
	Invalidations                uint64
}

// Sources are the parts whose state is read at scrape time.
type Sources struct {
	DB      *sql.DB
	Cache   func() CacheStats
	Backlog func(ctx context.Context) (int, error)
	Log     *slog.Logger
	// LogDropped counts the log lines dropped because the log output fell behind.
	LogDropped func() uint64
	// CallLogDropped counts the calls the call log lost (its buffer was
	// full or a write failed); nil when call logging is off.
	CallLogDropped func() uint64
}

// New registers every collector.
func New(src Sources) *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wsgate_calls_total", Help: "Function calls by function, protocol and outcome (ok or the Moodle errorcode).",
	}, []string{"function", "protocol", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "wsgate_call_duration_seconds", Help: "Time to answer a function call, from decoding to the cleaned result.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"function", "protocol"})
	m.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wsgate_ratelimited_total", Help: "Calls refused because their rate limit was spent, by service and function.",
	}, []string{"service", "function"})
	m.rlFailed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "wsgate_ratelimit_backend_failures_total",
		Help: "Limited calls answered by ratelimit.on_backend_error because the rate limit backend failed.",
	})
	m.registry.MustRegister(m.calls, m.latency, m.limited, m.rlFailed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src.DB != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(src.DB, "wsgate"))
	}
	if src.Cache != nil {
		for _, g := range []struct {
			name, help string
			read       func(CacheStats) float64
		}{
			{"wsgate_authz_cache_tokens", "Tokens held in the authorization cache.", func(s CacheStats) float64 { return float64(s.Tokens) }},
			{"wsgate_authz_cache_unknown_tokens", "Token values remembered as unknown.", func(s CacheStats) float64 { return float64(s.UnknownTokens) }},
			{"wsgate_authz_cache_users", "Users held in the authorization cache.", func(s CacheStats) float64 { return float64(s.Users) }},
		} {
			read := g.read
			m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: g.name, Help: g.help},
				func() float64 { return read(src.Cache()) }))
		}
		m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "wsgate_authz_cache_invalidations_total", Help: "Invalidations of the authorization cache (each forces reloads).",
		}, func() float64 { return float64(src.Cache().Invalidations) }))
	}
	if src.Backlog != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wsgate_outbox_backlog", Help: "Change events written but not yet relayed to the bus.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := src.Backlog(ctx)
			if err != nil {
				if src.Log != nil {
					src.Log.Warn("metrics: outbox backlog", "error", err)
				}
				return -1
			}
			return float64(n)
		}))
	}
	if src.LogDropped != nil {
		m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "wsgate_log_dropped_total", Help: "Log lines dropped because the log output could not keep up.",
		}, func() float64 { return float64(src.LogDropped()) }))
	}
	if src.CallLogDropped != nil {
		m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "wsgate_calllog_dropped_total", Help: "Calls the call log did not record because its buffer was full or a write failed.",
		}, func() float64 { return float64(src.CallLogDropped()) }))
	}
	return m
}

// Observe counts one call; it has the shape of protocols.Pipeline.Observe.
func (m *Metrics) Observe(function, protocol, outcome string, d time.Duration) {
	m.calls.WithLabelValues(function, protocol, outcome).Inc()
	m.latency.WithLabelValues(function, protocol).Observe(d.Seconds())
}

// RateLimited counts one call refused for its rate limit.
func (m *Metrics) RateLimited(service, function string) {
	m.limited.WithLabelValues(service, function).Inc()
}

// RateLimitBackendFailed counts one call the backend-error policy answered.
func (m *Metrics) RateLimitBackendFailed() { m.rlFailed.Inc() }

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
