package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yml")
	writeFile(t, cfgPath, "listen: 127.0.0.1:1000\nlog:\n  level: debug\n  format: json\ndatabase:\n  url: sqlite:file.db\n")
	writeFile(t, filepath.Join(dir, "conf.d", "10-a.yml"), "listen: 127.0.0.1:2000\nshutdown_grace: 3s\n")
	writeFile(t, filepath.Join(dir, "conf.d", "20-b.yml"), "listen: 127.0.0.1:3000\n")
	writeFile(t, filepath.Join(dir, "conf.d", "ignored.yaml.disabled"), "listen: nope\n")

	tests := []struct {
		name    string
		path    string
		environ []string
		check   func(c *Config) bool
	}{
		{"defaults", "", nil, func(c *Config) bool {
			return c.Listen == "127.0.0.1:9506" && c.Database.URL == "sqlite:var/wsgate.db" &&
				c.Log.Level == "info" && c.Log.Format == "text" && c.Database.MigrateOnStart &&
				c.Users.RevokeOnPasswordChange && c.GCPercent == 400 &&
				reflect.DeepEqual(c.Protocols, ProtocolsConfig{Enabled: []string{"rest", "xmlrpc", "soap", "mcp"},
					MCPSessionTimeout: 30 * time.Minute, MCPMaxSessionsPerToken: 10, MaxBodyBytes: 10 << 20, MaxNodes: 100000, MaxDepth: 64,
					MaxStringBytes: 10 << 20, MaxParallelDecodes: 0, DecodeWait: 2 * time.Second})
		}},
		{"file and conf.d, last drop-in wins", cfgPath, nil, func(c *Config) bool {
			return c.Listen == "127.0.0.1:3000" && c.Log.Level == "debug" && c.Log.Format == "json" &&
				c.Database.URL == "sqlite:file.db" && c.ShutdownGrace == 3*time.Second
		}},
		{"env over everything", cfgPath, []string{"WSGATE_LISTEN=127.0.0.1:4000",
			"WSGATE_DATABASE_URL=postgres://u@h/db", "WSGATE_LOG_LEVEL=warn", "WSGATE_TEST_POSTGRES_URL=x"},
			func(c *Config) bool {
				return c.Listen == "127.0.0.1:4000" && c.Database.URL == "postgres://u@h/db" && c.Log.Level == "warn" &&
					c.Log.Format == "json"
			}},
		{"env over defaults", "", []string{"WSGATE_DATABASE_MIGRATE_ON_START=false",
			"WSGATE_USERS_REVOKE_ON_PASSWORD_CHANGE=false"}, func(c *Config) bool {
			return !c.Database.MigrateOnStart && !c.Users.RevokeOnPasswordChange
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				if _, err := os.Stat(DefaultConfigFile); err == nil {
					t.Skip(DefaultConfigFile + " exists on this machine")
				}
			}
			c, _, err := LoadConfig(tt.path, tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		environ []string
		want    string
	}{
		{"unknown top key", "lisen: x\n", nil, "lisen"},
		{"unknown nested key", "database:\n  ur: sqlite:x\n", nil, "ur"},
		{"bad listen", "listen: nowhere\n", nil, "listen"},
		{"bad database url", "database:\n  url: mysql://x\n", nil, "database.url"},
		{"mistyped database scheme", "", []string{"WSGATE_DATABASE_URL=postgress://u:s3cret@h/db"}, "postgress://u:xxxxx@h/db"},
		{"bad log level", "log:\n  level: loud\n", nil, "log.level"},
		{"bad log format", "log:\n  format: xml\n", nil, "log.format"},
		{"bad env value", "", []string{"WSGATE_LOG_FORMAT=yaml"}, "log.format"},
		{"bad duration", "shutdown_grace: soon\n", nil, "shutdown_grace"},
		{"bad yaml", "listen: [\n", nil, "config.yml"},
		{"lockout cap below the window", "login:\n  failure_window: 1h\n  max_lockout: 10m\n", nil, "login.max_lockout"},
		{"no nesting", "protocols:\n  max_depth: 0\n", nil, "protocols.max_depth"},
		{"tiny string budget", "protocols:\n  max_string_bytes: 10\n", nil, "protocols.max_string_bytes"},
		{"negative decode wait", "", []string{"WSGATE_PROTOCOLS_DECODE_WAIT=-1s"}, "protocols.decode_wait"},
		{"negative parallel decodes", "protocols:\n  max_parallel_decodes: -1\n", nil, "protocols.max_parallel_decodes"},
		{"negative GC percent", "gc_percent: -1\n", nil, "gc_percent"},
		{"negative MCP sessions per token", "protocols:\n  mcp_max_sessions_per_token: -1\n", nil, "protocols.mcp_max_sessions_per_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yml")
			writeFile(t, path, tt.file)
			var stderr bytes.Buffer
			code := Run(context.Background(), []string{"migrate", "version", "--config", path}, nil, &bytes.Buffer{}, &stderr, tt.environ)
			if code != 2 {
				t.Errorf("exit status = %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("message %q does not name %q", stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), "s3cret") {
				t.Errorf("message %q shows a password", stderr.String())
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"migrate", "sideways"}, {"version", "--nope"}} {
		if code := Run(context.Background(), args, nil, &bytes.Buffer{}, &bytes.Buffer{}, nil); code != 2 {
			t.Errorf("%v: exit status %d, want 2", args, code)
		}
	}
}
