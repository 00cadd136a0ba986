package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"wsgate/internal/db"
)

// loginSecret returns the key token.php derives reusable tokens with: read
// from login.secret_file, created there (mode 0600) when missing. With no file
// configured, a SQLite store keeps it beside the database; on PostgreSQL,
// where instances must share it, there is none and every login gets a new token.
func loginSecret(cfg *Config) ([]byte, error) {
	path := cfg.Login.SecretFile
	if path == "" {
		dialect, src, err := db.ParseURL(cfg.Database.URL)
		if err != nil || dialect != db.SQLite {
			return nil, err
		}
		path = filepath.Join(filepath.Dir(src), "token.secret")
	}
	data, err := os.ReadFile(path)
	if err == nil {
		key, derr := hex.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil || len(key) < 16 {
			return nil, fmt.Errorf("login.secret_file %s: want at least 32 hex digits", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("login.secret_file: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("login.secret_file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return loginSecret(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("login.secret_file: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		return nil, fmt.Errorf("login.secret_file: %w", err)
	}
	return key, nil
}
