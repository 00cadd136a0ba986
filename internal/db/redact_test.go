package db_test

import (
	"context"
	"strings"
	"testing"

	"wsgate/internal/db"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:s3cret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgress://u:s3cret@h/db", "postgress://u:xxxxx@h/db"},
		{"postgres://u:s3cret@h:badport/db", "postgres://u:xxxxx@h:badport/db"},
		{"postgres:/u:s3cret@h/db", "postgres:/u:xxxxx@h/db"},
		{"postgres://u:p@ss:s3cret@h/db", "postgres://u:xxxxx@h/db"},
		{"mysql://u:s3cret@h/db", "mysql://u:xxxxx@h/db"},
		{"postgres://u@h/db?password=s3cret&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable"},
		{"host=h user=u password=s3cret dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"host=h password='s3 cret' dbname=d", "host=h password=xxxxx dbname=d"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"sqlite:var/wsgate.db", "sqlite:var/wsgate.db"},
	}
	for _, tt := range tests {
		if got := db.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestURLErrorsHidePassword: no error about a database URL prints its password.
func TestURLErrorsHidePassword(t *testing.T) {
	tests := []struct{ name, url string }{
		{"mistyped scheme", "postgress://u:s3cret@127.0.0.1/db"},
		{"no scheme separator", "postgres:u:s3cret@127.0.0.1/db"},
		{"bad port", "postgres://u:s3cret@127.0.0.1:badport/db"},
		{"keyword form", "host=127.0.0.1 password=s3cret"},
		{"bad option", "postgres://u:s3cret@127.0.0.1/db?sslmode=bogus"},
		{"unreachable", "postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, perr := db.ParseURL(tt.url)
			_, oerr := db.Open(context.Background(), tt.url)
			if oerr == nil {
				t.Fatal("Open succeeded")
			}
			for _, err := range []error{perr, oerr} {
				if err != nil && strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error shows the password: %v", err)
				}
			}
		})
	}
}
