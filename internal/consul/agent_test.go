package consul

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// TestRealAgent registers against a real Consul agent named by
// WSGATE_TEST_CONSUL_ADDR (host:port or http(s)://host:port, token in
// WSGATE_TEST_CONSUL_TOKEN if ACLs are on). Unset: skipped. Set but
// unreachable: the test fails, so a CI that means to test Consul cannot
// silently test nothing.
func TestRealAgent(t *testing.T) {
	addr := os.Getenv("WSGATE_TEST_CONSUL_ADDR")
	if addr == "" {
		t.Skip("WSGATE_TEST_CONSUL_ADDR is not set")
	}
	scheme := "http"
	if s, rest, ok := strings.Cut(addr, "://"); ok {
		scheme, addr = s, rest
	}
	token := os.Getenv("WSGATE_TEST_CONSUL_TOKEN")
	client, err := api.NewClient(&api.Config{Address: addr, Scheme: scheme, Token: token})
	if err != nil {
		t.Fatalf("consul client: %v", err)
	}
	agent := client.Agent()
	if _, err := agent.Self(); err != nil {
		t.Fatalf("WSGATE_TEST_CONSUL_ADDR=%s is set but the agent does not answer: %v", addr, err)
	}

	cfg := Defaults()
	cfg.Enabled = true
	cfg.Scheme, cfg.Address, cfg.Token = scheme, addr, token
	cfg.ServiceName = fmt.Sprintf("wsgate-test-%d", time.Now().UnixNano())
	cfg.AdvertiseAddress = "127.0.0.1"
	cfg.TTL = 10 * time.Second
	cfg.RefreshInterval = 200 * time.Millisecond
	cfg.RetryInterval = 200 * time.Millisecond
	cfg.ExtraTags = []string{"integration"}
	id := cfg.ServiceName + "-test"
	cfg.ServiceID = id
	t.Cleanup(func() { _ = agent.ServiceDeregister(id) })

	var healthy atomic.Bool
	healthy.Store(true)
	stop := start(t, cfg, func(context.Context) bool { return healthy.Load() })

	checkStatus := func() string {
		checks, err := agent.Checks()
		if err != nil {
			t.Fatalf("agent checks: %v", err)
		}
		if c, ok := checks["service:"+id]; ok {
			return c.Status
		}
		return ""
	}
	waitForAgent(t, "a passing check", func() bool { return checkStatus() == api.HealthPassing })
	svc, _, err := agent.Service(id, nil)
	if err != nil {
		t.Fatalf("agent service %s: %v", id, err)
	}
	if svc.Service != cfg.ServiceName || svc.Port != 9506 || svc.Address != "127.0.0.1" ||
		strings.Join(svc.Tags, ",") != cfg.ServiceName+",integration" {
		t.Errorf("registered service = %+v", svc)
	}

	healthy.Store(false)
	waitForAgent(t, "a critical check", func() bool { return checkStatus() == api.HealthCritical })
	healthy.Store(true)
	waitForAgent(t, "a passing check again", func() bool { return checkStatus() == api.HealthPassing })

	stop()
	services, err := agent.Services()
	if err != nil {
		t.Fatalf("agent services: %v", err)
	}
	if _, ok := services[id]; ok {
		t.Errorf("service %s is still registered after shutdown", id)
	}
}

func waitForAgent(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
