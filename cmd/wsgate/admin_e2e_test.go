package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// startApp starts a gateway on dbURL with extra environment; it stops with the test.
func startApp(t *testing.T, dbURL string, env ...string) *App {
	t.Helper()
	return startAppLogging(t, io.Discard, dbURL, env...)
}

// startAppLogging is startApp with the log written to w.
func startAppLogging(t *testing.T, w io.Writer, dbURL string, env ...string) *App {
	t.Helper()
	cfg, _, err := LoadConfig("", append([]string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbURL}, env...))
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(w, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx) }()
	t.Cleanup(func() { stop(); <-done; app.Close() })
	return app
}

// siteAdminToken makes a site administrator (manual login; password may be
// "") and returns a token of theirs for the service named by shortname.
func siteAdminToken(t *testing.T, app *App, username, password, shortname string) string {
	t.Helper()
	ctx := context.Background()
	role, err := app.store.RoleByShortname(ctx, services.AdminRole)
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.store.CreateUser(ctx, services.User{Username: username, Auth: services.AuthManual}, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.AssignRole(ctx, u.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	svc, err := app.store.ServiceByShortname(ctx, shortname)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// api sends one admin API request and decodes the JSON answer.
func api(t *testing.T, app *App, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, app.URL()+"/1.0"+path, rd)
	req.Header.Set("X-Auth-Token", token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// eventQueue binds an exclusive queue to the gateway's exchange and returns its deliveries.
func eventQueue(t *testing.T, amqpURL, exchange string) <-chan amqp.Delivery {
	t.Helper()
	conn, err := amqp.Dial(amqpURL)
	if err != nil {
		t.Fatalf("RabbitMQ at WSGATE_TEST_AMQP_URL is unreachable: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.ExchangeDelete(exchange, false, false) })
	if err := ch.ExchangeDeclare(exchange, "headers", true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, "", exchange, false, amqp.Table{"x-match": "any", "name": "service_created"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"service_function_associated", "service_user_associated", "token_created", "service_edited"} {
		if err := ch.QueueBind(q.Name, "", exchange, false, amqp.Table{"x-match": "any", "name": name}); err != nil {
			t.Fatal(err)
		}
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return deliveries
}

// TestAdminAPIFlow is the admin issue's walk-through: an administrator's token
// creates a custom service, adds two functions, authorises a user and makes
// that user a token; the user's REST call works; disabling the service makes
// the next call fail on this instance and, on PostgreSQL, on a second one.
// Events arrive on RabbitMQ when WSGATE_TEST_AMQP_URL is set.
func TestAdminAPIFlow(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := dbtest.URL(t, dialect)
			var env []string
			var events <-chan amqp.Delivery
			if amqpURL := os.Getenv("WSGATE_TEST_AMQP_URL"); amqpURL != "" {
				exchange := fmt.Sprintf("wsgate-test-%d", time.Now().UnixNano())
				events = eventQueue(t, amqpURL, exchange)
				env = append(env, "WSGATE_BUS_URL="+amqpURL, "WSGATE_BUS_EXCHANGE="+exchange)
			}
			app := startApp(t, dbURL, env...)
			adminToken := siteAdminToken(t, app, "root", "", "wsgate_admin")
			if code, _ := api(t, app, "not-a-token", "GET", "/services", nil); code != 401 {
				t.Errorf("bad admin token: %d, want 401", code)
			}

			code, svc := api(t, app, adminToken, "POST", "/services", map[string]any{"name": "Partner API",
				"shortname": "partner", "enabled": true, "restrictedusers": true})
			if code != 201 {
				t.Fatalf("create service: %d %v", code, svc)
			}
			id := int64(svc["id"].(float64))
			for _, fn := range []string{"core_webservice_get_site_info", "core_user_get_users_by_field"} {
				if code, body := api(t, app, adminToken, "PUT", fmt.Sprintf("/services/%d/functions/%s", id, fn), nil); code != 204 {
					t.Fatalf("add %s: %d %v", fn, code, body)
				}
			}
			code, user := api(t, app, adminToken, "POST", "/users", map[string]any{"username": "partner1",
				"firstname": "Part", "lastname": "Ner", "email": "p@example.org", "password": "Secret-123"})
			if code != 201 {
				t.Fatalf("create user: %d %v", code, user)
			}
			uid := int64(user["id"].(float64))
			if code, body := api(t, app, adminToken, "PUT", fmt.Sprintf("/services/%d/users/%d", id, uid),
				map[string]any{"iprestriction": "127.0.0.1"}); code != 204 {
				t.Fatalf("authorise user: %d %v", code, body)
			}
			code, tok := api(t, app, adminToken, "POST", "/tokens", map[string]any{"user_id": uid, "service_id": id})
			if code != 201 {
				t.Fatalf("create token: %d %v", code, tok)
			}
			userToken := tok["token"].(string)

			q := url.Values{"wstoken": {userToken}, "wsfunction": {"core_webservice_get_site_info"}, "moodlewsrestformat": {"json"}}
			if got := restGet(t, app.URL(), q); !strings.Contains(got, `"username":"partner1"`) {
				t.Fatalf("the user's call: %s", got)
			}

			var second *App
			if dialect == db.Postgres {
				// A second instance on the same database; poll slowly so only NOTIFY can be fast.
				// It shares the bus configuration: either instance may relay the outbox.
				second = startApp(t, dbURL, append([]string{"WSGATE_CALLS_CHANGE_POLL_INTERVAL=1h"}, env...)...)
				if got := restGet(t, second.URL(), q); !strings.Contains(got, `"username":"partner1"`) {
					t.Fatalf("the call on the second instance: %s", got)
				}
			}
			if code, body := api(t, app, adminToken, "PUT", fmt.Sprintf("/services/%d", id), map[string]any{"enabled": false}); code != 204 {
				t.Fatalf("disable: %d %v", code, body)
			}
			if got := restGet(t, app.URL(), q); !strings.Contains(got, `"errorcode":"accessexception"`) {
				t.Errorf("call after disabling, same instance: %s", got)
			}
			if second != nil {
				deadline := time.Now().Add(5 * time.Second)
				for !strings.Contains(restGet(t, second.URL(), q), `"errorcode":"accessexception"`) {
					if time.Now().After(deadline) {
						t.Fatal("the second instance still serves the disabled service")
					}
					time.Sleep(10 * time.Millisecond)
				}
			}

			if events != nil {
				want := []string{"service_created", "service_function_associated", "service_function_associated",
					"service_user_associated", "token_created", "service_edited"}
				for i, name := range want {
					select {
					case d := <-events:
						if d.Headers["name"] != name {
							t.Errorf("event %d = %v, want %s", i, d.Headers["name"], name)
						}
						if strings.Contains(string(d.Body), userToken) {
							t.Errorf("event %s carries the token", name)
						}
					case <-time.After(10 * time.Second):
						t.Fatalf("event %d (%s) did not arrive", i, name)
					}
				}
			}
		})
	}
}
