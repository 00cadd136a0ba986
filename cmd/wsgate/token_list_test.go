package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestTokenListExpiring: `wsgate token list` prints every token soonest
// expiry first, `--expiring 7d` only those that expire within 7 days, and
// `--unused 30d` only those not used for 30 days, and never a token's value.
func TestTokenListExpiring(t *testing.T) {
	url := dbtest.URL(t, db.SQLite)
	c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + url}}
	c.must("", "upgrade")
	c.must("pw-list-1\n", "user", "create", "lister", "--password-stdin")
	soon := time.Now().Add(3 * 24 * time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	var values []string
	for _, tk := range [][2]string{{"later", later}, {"forever", ""}, {"soon", soon}} {
		args := []string{"token", "create", "--user", "lister", "--service", "wsgate_admin", "--name", tk[0]}
		if tk[1] != "" {
			args = append(args, "--valid-until", tk[1])
		}
		values = append(values, strings.TrimSpace(c.must("", args...)))
	}
	all := c.must("", "token", "list")
	if i, j, k := strings.Index(all, "soon"), strings.Index(all, "later"), strings.Index(all, "forever"); i < 0 || !(i < j && j < k) {
		t.Errorf("not soonest expiry first:\n%s", all)
	}
	expiring := c.must("", "token", "list", "--expiring", "7d")
	if !strings.Contains(expiring, "soon") || strings.Contains(expiring, "later") || strings.Contains(expiring, "forever") {
		t.Errorf("--expiring 7d printed:\n%s", expiring)
	}
	if !strings.Contains(expiring, "lister") || !strings.Contains(expiring, "wsgate_admin") || !strings.Contains(expiring, soon) {
		t.Errorf("--expiring 7d lacks the user, service or expiry:\n%s", expiring)
	}
	// Only "soon" has been used, today, as a call records it; the others never.
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st := services.NewStore(d)
	tok, err := st.TokenByValue(context.Background(), values[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.TouchTokens(context.Background(), map[int64]services.TokenAccess{tok.ID: {Time: time.Now().Unix(), IP: "192.0.2.1"}}); err != nil {
		t.Fatal(err)
	}
	idle := c.must("", "token", "list", "--unused", "30d")
	if strings.Contains(idle, "soon") || !strings.Contains(idle, "later") || !strings.Contains(idle, "forever") {
		t.Errorf("--unused 30d printed:\n%s", idle)
	}
	for _, v := range values {
		if strings.Contains(all, v) {
			t.Error("token list prints a token's value")
		}
	}
	if _, code := c.run("", "token", "list", "--expiring", "soon"); code != 2 {
		t.Errorf("--expiring soon: exit %d, want 2", code)
	}
	if _, code := c.run("", "token", "list", "--unused", "a month"); code != 2 {
		t.Errorf("--unused 'a month': exit %d, want 2", code)
	}
}
