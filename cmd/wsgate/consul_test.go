package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestConsulRegistration serves with service_discovery enabled against a
// stand-in Consul agent: the gateway registers once /status is ok, with its
// bound port, passes its TTL check, and deregisters on shutdown.
func TestConsulRegistration(t *testing.T) {
	var mu sync.Mutex
	var registered struct {
		ID, Name, Address string
		Port              int
		Tags              []string
	}
	var passes int
	deregistered := ""
	agent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/v1/agent/service/register":
			_ = json.NewDecoder(r.Body).Decode(&registered)
		case strings.HasPrefix(r.URL.Path, "/v1/agent/check/update/"):
			passes++
		case strings.HasPrefix(r.URL.Path, "/v1/agent/service/deregister/"):
			deregistered = strings.TrimPrefix(r.URL.Path, "/v1/agent/service/deregister/")
		default:
			http.NotFound(w, r)
		}
	}))
	defer agent.Close()
	host, port, _ := strings.Cut(strings.TrimPrefix(agent.URL, "http://"), ":")

	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0",
		"WSGATE_DATABASE_URL=" + dbtest.URL(t, db.SQLite),
		"WSGATE_CONSUL_HOST=" + host, "WSGATE_CONSUL_PORT=" + port,
		"WSGATE_SERVICE_DISCOVERY_ENABLED=true", "WSGATE_SERVICE_DISCOVERY_SERVICE_ID=wsgate-test",
		"WSGATE_SERVICE_DISCOVERY_ADVERTISE_ADDRESS=127.0.0.1",
		"WSGATE_SERVICE_DISCOVERY_TTL_INTERVAL=2s", "WSGATE_SERVICE_DISCOVERY_REFRESH_INTERVAL=50ms",
		"WSGATE_SERVICE_DISCOVERY_RETRY_INTERVAL=50ms", "WSGATE_SERVICE_DISCOVERY_EXTRA_TAGS=a,b"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx) }()

	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := passes
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no TTL passes within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	_, boundPort, _ := strings.Cut(strings.TrimPrefix(app.URL(), "http://"), ":")
	if registered.ID != "wsgate-test" || registered.Name != "wsgate" || registered.Address != "127.0.0.1" ||
		strconv.Itoa(registered.Port) != boundPort || strings.Join(registered.Tags, ",") != "wsgate,a,b" {
		t.Errorf("registration = %+v, want the bound port %s", registered, boundPort)
	}
	mu.Unlock()

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if deregistered != "wsgate-test" {
		t.Errorf("deregistered %q, want wsgate-test", deregistered)
	}
}
