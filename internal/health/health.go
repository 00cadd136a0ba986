// Package health answers GET /status: the version, the store, the schema
// version and ok or fail for each component the binary wires in.
package health

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Check probes one component; a nil error means ok.
type Check func(ctx context.Context) error

// Status answers /status from the registered checks.
type Status struct {
	Version string
	Store   string
	Log     *slog.Logger
	// SchemaVersion reports the applied migration version.
	SchemaVersion func(ctx context.Context) (uint, error)

	mu     sync.RWMutex
	names  []string
	checks map[string]Check
}

// Add registers a component check under name.
func (s *Status) Add(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.checks == nil {
		s.checks = map[string]Check{}
	}
	if _, ok := s.checks[name]; !ok {
		s.names = append(s.names, name)
	}
	s.checks[name] = c
}

// ComponentStatus is the state of one component.
type ComponentStatus struct {
	Status string `json:"status"`
}

// Report is the body of GET /status.
type Report struct {
	Status        string                     `json:"status"`
	Version       string                     `json:"version"`
	Store         string                     `json:"store"`
	SchemaVersion *uint                      `json:"schema_version"`
	Components    map[string]ComponentStatus `json:"components"`
}

// CheckTimeout bounds each check: a component that does not answer within
// it is fail, so /status reports an outage within a second.
const CheckTimeout = 800 * time.Millisecond

// Run probes every component at once, each within CheckTimeout.
func (s *Status) Run(ctx context.Context) Report {
	r := Report{Status: "ok", Version: s.Version, Store: s.Store, Components: map[string]ComponentStatus{}}
	s.mu.RLock()
	names := append([]string(nil), s.names...)
	checks := make([]Check, len(names))
	for i, n := range names {
		checks[i] = s.checks[n]
	}
	s.mu.RUnlock()
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
			defer cancel()
			res := make(chan error, 1)
			go func() { res <- c(cctx) }() // a check that ignores its deadline is not waited for
			select {
			case errs[i] = <-res:
			case <-cctx.Done():
				errs[i] = cctx.Err()
			}
		}()
	}
	if s.SchemaVersion != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
			defer cancel()
			if v, err := s.SchemaVersion(cctx); err == nil {
				r.SchemaVersion = &v
			}
		}()
	}
	wg.Wait()
	for i, name := range names {
		st := "ok"
		if errs[i] != nil {
			st, r.Status = "fail", "fail"
			s.logger().Warn("status check failed", "component", name, "error", errs[i])
		}
		r.Components[name] = ComponentStatus{Status: st}
	}
	return r
}

func (s *Status) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// ServeHTTP answers 200 with the report when every component is ok, else 503.
func (s *Status) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rep := s.Run(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rep)
}
