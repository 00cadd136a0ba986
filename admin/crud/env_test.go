package crud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/internal/bus"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// Each admin change is one log line with the event's fields as attributes,
// in the text and the JSON format alike, never a Go map.
func TestChangeLogLine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var text, js bytes.Buffer
		ctx := wsgate.WithCaller(context.Background(), &wsgate.Caller{Username: "root"})
		for _, log := range []*slog.Logger{slog.New(slog.NewTextHandler(&text, nil)), slog.New(slog.NewJSONHandler(&js, nil))} {
			c := &crud.Changes{Store: services.NewStore(d), Log: log}
			err := c.Do(ctx, func(tx *crud.Tx) error {
				return tx.Emit(ctx, bus.Event{Name: "user_created", RoutingKey: "config.users.created",
					Body: map[string]any{"id": int64(1), "username": "admin", "roles": []string{"a", "b"}}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		line := strings.TrimSpace(text.String())
		want := `msg="admin change" event=user_created by=root id=1 roles="[\"a\",\"b\"]" username=admin`
		if strings.Count(line, "\n") != 0 || !strings.Contains(line, want) {
			t.Errorf("text line = %s\nwant it to hold %s", line, want)
		}
		if strings.Contains(line, "map[") {
			t.Errorf("text line holds a Go map: %s", line)
		}
		var rec map[string]any
		if err := json.Unmarshal(js.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] != "admin change" || rec["event"] != "user_created" || rec["by"] != "root" ||
			rec["id"] != float64(1) || rec["username"] != "admin" || rec["roles"] != `["a","b"]` {
			t.Errorf("JSON line = %s", js.String())
		}
	})
}
