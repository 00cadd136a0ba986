package consul

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// fakeAgent speaks the few Consul agent endpoints Run uses: service
// register and deregister, and TTL check update.
type fakeAgent struct {
	t        *testing.T
	mu       sync.Mutex
	services map[string]api.AgentServiceRegistration
	checks   map[string]string // check ID -> health status
	updates  []string          // statuses received, in order
	tokens   map[string]bool   // X-Consul-Token values seen
	refuse   int               // answer 500 to this many more requests
	requests int
}

func newFakeAgent(t *testing.T) (*fakeAgent, *httptest.Server) {
	a := &fakeAgent{t: t, services: map[string]api.AgentServiceRegistration{},
		checks: map[string]string{}, tokens: map[string]bool{}}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return a, srv
}

func (a *fakeAgent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests++
	a.tokens[r.Header.Get("X-Consul-Token")] = true
	if a.refuse > 0 {
		a.refuse--
		http.Error(w, "agent not ready", http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodPut {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch path := r.URL.Path; {
	case path == "/v1/agent/service/register":
		var reg api.AgentServiceRegistration
		if err := json.NewDecoder(r.Body).Decode(&reg); err != nil || reg.ID == "" || reg.Check == nil {
			http.Error(w, "bad registration", http.StatusBadRequest)
			return
		}
		a.services[reg.ID] = reg
		status := reg.Check.Status
		if status == "" {
			status = api.HealthCritical
		}
		a.checks[reg.Check.CheckID] = status
	case strings.HasPrefix(path, "/v1/agent/check/update/"):
		id := strings.TrimPrefix(path, "/v1/agent/check/update/")
		if _, ok := a.checks[id]; !ok {
			http.Error(w, `Unknown check ID "`+id+`"`, http.StatusNotFound)
			return
		}
		var u struct{ Status, Output string }
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		a.checks[id] = u.Status
		a.updates = append(a.updates, u.Status)
	case strings.HasPrefix(path, "/v1/agent/service/deregister/"):
		id := strings.TrimPrefix(path, "/v1/agent/service/deregister/")
		reg, ok := a.services[id]
		if !ok {
			http.Error(w, "Unknown service ID", http.StatusNotFound)
			return
		}
		delete(a.services, id)
		delete(a.checks, reg.Check.CheckID)
	default:
		a.t.Errorf("unexpected request %s %s", r.Method, path)
		http.NotFound(w, r)
	}
}

// forget drops everything, as an agent restarted in dev mode does.
func (a *fakeAgent) forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.services = map[string]api.AgentServiceRegistration{}
	a.checks = map[string]string{}
}

func (a *fakeAgent) snapshot() (services map[string]api.AgentServiceRegistration, checks map[string]string, updates []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	services = map[string]api.AgentServiceRegistration{}
	for k, v := range a.services {
		services[k] = v
	}
	checks = map[string]string{}
	for k, v := range a.checks {
		checks[k] = v
	}
	return services, checks, append([]string(nil), a.updates...)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func testConfig(agentURL string) Config {
	cfg := Defaults()
	cfg.Enabled = true
	cfg.Address = strings.TrimPrefix(agentURL, "http://")
	cfg.ServiceID = "wsgate-test-9506"
	cfg.AdvertiseAddress = "192.0.2.10"
	cfg.TTL = time.Second
	cfg.RefreshInterval = 20 * time.Millisecond
	cfg.RetryInterval = 10 * time.Millisecond
	return cfg
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// start runs Run in the background and returns a stop that cancels it and
// waits for it to return.
func start(t *testing.T, cfg Config, status func(context.Context) bool) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, status, quietLog()) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestRunDisabledDoesNothing(t *testing.T) {
	agent, srv := newFakeAgent(t)
	cfg := testConfig(srv.URL)
	cfg.Enabled = false
	cfg.AdvertisePort = 0 // invalid, but a disabled config is not checked
	if err := Run(context.Background(), cfg, func(context.Context) bool { return true }, nil); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if agent.requests != 0 {
		t.Errorf("a disabled registration sent %d requests", agent.requests)
	}
}

func TestRunRejectsInvalidConfig(t *testing.T) {
	cfg := testConfig("127.0.0.1:1")
	cfg.RefreshInterval = cfg.TTL
	err := Run(context.Background(), cfg, func(context.Context) bool { return true }, nil)
	if err == nil || !strings.Contains(err.Error(), "refresh_interval") {
		t.Fatalf("Run = %v, want a refresh_interval error", err)
	}
}

// TestRunLifecycle: no registration before /status is ok; then the service
// and a passing TTL check; the check passed again and again; failed while
// /status is not ok; the service deregistered when Run's context ends.
func TestRunLifecycle(t *testing.T) {
	agent, srv := newFakeAgent(t)
	var healthy atomic.Bool
	var probes atomic.Int32
	status := func(context.Context) bool { probes.Add(1); return healthy.Load() }
	cfg := testConfig(srv.URL)
	cfg.Token = "secret-token"
	cfg.ExtraTags = []string{"edge"}
	cfg.Meta = map[string]string{"version": "1.2.3"}
	cfg.DeregisterAfter = 10 * time.Minute
	stop := start(t, cfg, status)

	waitFor(t, "three status probes", func() bool { return probes.Load() >= 3 })
	if services, _, _ := agent.snapshot(); len(services) != 0 {
		t.Fatalf("registered before /status was ok: %v", services)
	}

	healthy.Store(true)
	waitFor(t, "two passes", func() bool {
		_, _, updates := agent.snapshot()
		return len(updates) >= 2
	})
	services, checks, _ := agent.snapshot()
	reg, ok := services["wsgate-test-9506"]
	if !ok {
		t.Fatalf("services = %v, want wsgate-test-9506", services)
	}
	if reg.Name != "wsgate" || reg.Address != "192.0.2.10" || reg.Port != 9506 ||
		strings.Join(reg.Tags, ",") != "wsgate,edge" || reg.Meta["version"] != "1.2.3" {
		t.Errorf("registration = %+v", reg)
	}
	if c := reg.Check; c.CheckID != "service:wsgate-test-9506" || c.TTL != "1s" ||
		c.DeregisterCriticalServiceAfter != "10m0s" {
		t.Errorf("check = %+v", c)
	}
	if checks["service:wsgate-test-9506"] != api.HealthPassing {
		t.Errorf("check status = %q, want passing", checks["service:wsgate-test-9506"])
	}
	agent.mu.Lock()
	sawToken := agent.tokens["secret-token"] && len(agent.tokens) == 1
	agent.mu.Unlock()
	if !sawToken {
		t.Errorf("tokens seen = %v, want only secret-token", agent.tokens)
	}

	healthy.Store(false)
	waitFor(t, "the check to fail", func() bool {
		_, checks, _ := agent.snapshot()
		return checks["service:wsgate-test-9506"] == api.HealthCritical
	})
	healthy.Store(true)
	waitFor(t, "the check to pass again", func() bool {
		_, checks, _ := agent.snapshot()
		return checks["service:wsgate-test-9506"] == api.HealthPassing
	})

	stop()
	if services, checks, _ := agent.snapshot(); len(services) != 0 || len(checks) != 0 {
		t.Errorf("after shutdown: services %v, checks %v; want none", services, checks)
	}
}

// TestRunRetriesWhileAgentFails: the agent refuses the first requests; Run
// keeps trying with backoff and registers once it answers.
func TestRunRetriesWhileAgentFails(t *testing.T) {
	agent, srv := newFakeAgent(t)
	agent.refuse = 3
	start(t, testConfig(srv.URL), func(context.Context) bool { return true })
	waitFor(t, "registration after refusals", func() bool {
		services, checks, _ := agent.snapshot()
		return len(services) == 1 && checks["service:wsgate-test-9506"] == api.HealthPassing
	})
	agent.mu.Lock()
	defer agent.mu.Unlock()
	if agent.requests < 4 {
		t.Errorf("requests = %d, want at least 3 refused and 1 accepted", agent.requests)
	}
}

// TestRunUnreachableAgent: nothing listens; Run retries quietly and still
// returns promptly when its context ends.
func TestRunUnreachableAgent(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // a port nothing listens on
	stop := start(t, testConfig(addr), func(context.Context) bool { return true })
	time.Sleep(100 * time.Millisecond)
	began := time.Now()
	stop()
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("Run took %v to return with no agent", d)
	}
}

// TestRunRegistersAgainWhenAgentForgets: an agent that restarts without its
// state answers 404 to the check update; Run registers again.
func TestRunRegistersAgainWhenAgentForgets(t *testing.T) {
	agent, srv := newFakeAgent(t)
	start(t, testConfig(srv.URL), func(context.Context) bool { return true })
	registered := func() bool {
		services, _, _ := agent.snapshot()
		return len(services) == 1
	}
	waitFor(t, "registration", registered)
	agent.forget()
	waitFor(t, "registration again", registered)
}

func TestDefaultServiceIDIsStable(t *testing.T) {
	agent, srv := newFakeAgent(t)
	cfg := testConfig(srv.URL)
	cfg.ServiceID = ""
	cfg.AdvertisePort = 9600
	start(t, cfg, func(context.Context) bool { return true })
	waitFor(t, "registration", func() bool {
		services, _, _ := agent.snapshot()
		return len(services) == 1
	})
	services, _, _ := agent.snapshot()
	for id := range services {
		if !strings.HasPrefix(id, "wsgate-") || !strings.HasSuffix(id, "-9600") {
			t.Errorf("service ID %q, want wsgate-<hostname>-9600", id)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Defaults()
	ok.Enabled = true
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults, enabled: %v", err)
	}
	for name, change := range map[string]func(*Config){
		"scheme":  func(c *Config) { c.Scheme = "ftp" },
		"address": func(c *Config) { c.Address = "" },
		"name":    func(c *Config) { c.ServiceName = "" },
		"id":      func(c *Config) { c.ServiceID = "a/b" },
		"port":    func(c *Config) { c.AdvertisePort = 70000 },
		"ttl":     func(c *Config) { c.TTL = 0 },
		"refresh": func(c *Config) { c.RefreshInterval = time.Minute },
		"retry":   func(c *Config) { c.RetryInterval = 0 },
		"dereg":   func(c *Config) { c.DeregisterAfter = -time.Second },
	} {
		c := ok
		change(&c)
		if c.Validate() == nil {
			t.Errorf("%s: invalid config accepted", name)
		}
		c.Enabled = false
		if err := c.Validate(); err != nil {
			t.Errorf("%s: disabled config rejected: %v", name, err)
		}
	}
}

func TestAdvertiseAddress(t *testing.T) {
	if got := AdvertiseAddress("10.1.2.3", "eth0"); got != "10.1.2.3" {
		t.Errorf("explicit address: %q", got)
	}
	if got := AdvertiseAddress("auto", "lo"); got != "127.0.0.1" {
		t.Errorf("auto on lo: %q, want 127.0.0.1", got)
	}
	if got := AdvertiseAddress("", "no-such-interface0"); got == "" {
		t.Error("auto with a missing interface gave no address")
	}
}

func TestHTTPStatus(t *testing.T) {
	var code atomic.Int32
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
		io.WriteString(w, body.Load().(string))
	}))
	defer srv.Close()
	check := HTTPStatus(nil, srv.URL+"/status")
	for _, tc := range []struct {
		code int
		body string
		want bool
	}{
		{200, `{"status":"ok","components":{}}`, true},
		{503, `{"status":"fail"}`, false},
		{200, `{"status":"fail"}`, false},
		{200, `not json`, false},
	} {
		code.Store(int32(tc.code))
		body.Store(tc.body)
		if got := check(context.Background()); got != tc.want {
			t.Errorf("%d %s: %v, want %v", tc.code, tc.body, got, tc.want)
		}
	}
	if HTTPStatus(nil, "http://127.0.0.1:1/status")(context.Background()) {
		t.Error("an unreachable /status counted as ok")
	}
}
