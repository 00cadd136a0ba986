package main

// What a decoded configuration must satisfy (Validate) and what follows from
// it (the file store's directory and backend, the default rate limits).

import (
	"net"
	"path/filepath"
	"strings"
	"time"

	"wsgate"
	"wsgate/admin"
	"wsgate/internal/db"
	"wsgate/internal/proxy"
	"wsgate/internal/ratelimit"
	"wsgate/services"
)

// Validate checks values that decode but make no sense.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return configErrorf("listen: %q is not host:port", c.Listen)
	}
	if _, err := proxy.ParsePrefixes(c.TrustedProxies); err != nil {
		return configErrorf("trusted_proxies: %v", err)
	}
	if _, _, err := db.ParseURL(c.Database.URL); err != nil {
		return configErrorf("database.url: %v", err)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return configErrorf("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return configErrorf("log.format: %q is not one of text, json", c.Log.Format)
	}
	if c.Calls.UpstreamIdleConns < 1 {
		return configErrorf("calls.upstream_idle_conns: must be at least 1")
	}
	if c.Calls.MaxBatchRequests < 1 {
		return configErrorf("calls.max_batch_requests: must be at least 1")
	}
	if c.Calls.ChangePollInterval <= 0 {
		return configErrorf("calls.change_poll_interval: must be positive")
	}
	for key, d := range map[string]time.Duration{"calls.timeout": c.Calls.Timeout, "calls.cache_ttl": c.Calls.CacheTTL,
		"login.token_duration": c.Login.TokenDuration, "login.failure_window": c.Login.FailureWindow,
		"login.max_lockout": c.Login.MaxLockout} {
		if d < 0 {
			return configErrorf("%s: must not be negative", key)
		}
	}
	if c.CallLog.Retention <= 0 || c.CallLog.MaxRows < 0 || c.CallLog.Buffer < 1 {
		return configErrorf("calllog.retention must be positive, calllog.max_rows not negative, calllog.buffer at least 1")
	}
	if c.Login.MaxFailures < 1 || c.Login.MaxFailuresPerAddr < 1 {
		return configErrorf("login.max_failures and login.max_failures_per_address: must be at least 1")
	}
	if c.Login.MaxLockout > 0 && c.Login.MaxLockout < c.Login.FailureWindow {
		return configErrorf("login.max_lockout: must be at least login.failure_window (%s)", c.Login.FailureWindow)
	}
	known := map[string]bool{}
	for _, name := range admin.AllPlugins() {
		known[name] = true
	}
	for name := range c.EnabledPlugins {
		if !known[name] {
			return configErrorf("enabled_plugins: unknown plugin %q (known: %s)", name, strings.Join(admin.AllPlugins(), ", "))
		}
	}
	if c.Bus.URL != "" && !strings.HasPrefix(c.Bus.URL, "amqp://") && !strings.HasPrefix(c.Bus.URL, "amqps://") {
		return configErrorf("bus.url: %q is not an amqp:// URL", c.Bus.URL)
	}
	if err := services.ValidateProtocols(c.Protocols.Enabled); err != nil {
		return configErrorf("protocols.enabled: %s", wsgate.AsError(err).DebugInfo)
	}
	if c.Protocols.MCPSessionTimeout < 0 {
		return configErrorf("protocols.mcp_session_timeout: must not be negative")
	}
	if c.Protocols.MCPMaxSessionsPerToken < 0 {
		return configErrorf("protocols.mcp_max_sessions_per_token: must not be negative")
	}
	if c.Protocols.MaxBodyBytes < 1024 {
		return configErrorf("protocols.max_body_bytes: must be at least 1024")
	}
	if c.Protocols.MaxNodes < 1 || c.Protocols.MaxDepth < 1 {
		return configErrorf("protocols.max_nodes and protocols.max_depth: must be at least 1")
	}
	if c.Protocols.MaxStringBytes < 1024 {
		return configErrorf("protocols.max_string_bytes: must be at least 1024")
	}
	if c.Protocols.MaxParallelDecodes < 0 || c.Protocols.DecodeWait < 0 {
		return configErrorf("protocols.max_parallel_decodes and protocols.decode_wait: must not be negative")
	}
	if err := c.Files.validate(c.Database.URL); err != nil {
		return err
	}
	if err := c.RateLimit.validate(); err != nil {
		return err
	}
	if c.GCPercent < 0 {
		return configErrorf("gc_percent: must not be negative (0 keeps Go's default)")
	}
	if c.ShutdownGrace < 0 {
		return configErrorf("shutdown_grace: must not be negative")
	}
	cc := c.consulConfig(0)
	if cc.AdvertisePort == 0 { // listen on port 0: the port is known once listening
		cc.AdvertisePort = 1
	}
	if err := cc.Validate(); err != nil {
		return configErrorf("%v", err)
	}
	return nil
}

// validate checks the files keys; the disk backend needs a directory, given
// or derived from a SQLite store.
func (f *FilesConfig) validate(dbURL string) error {
	switch f.backend(dbURL) {
	case "disk":
		if _, err := f.dirFor(dbURL); err != nil {
			return err
		}
	case "postgres":
		if d, _, _ := db.ParseURL(dbURL); d != db.Postgres {
			return configErrorf("files.backend: postgres needs a PostgreSQL database.url")
		}
	default:
		return configErrorf("files.backend: %q is not one of disk, postgres", f.Backend)
	}
	if f.MaxBytes < 1 || f.MaxUploadBodyBytes < f.MaxBytes || f.MaxUploadFiles < 1 {
		return configErrorf("files.max_bytes, files.max_upload_files: must be at least 1; files.max_upload_body_bytes: at least files.max_bytes")
	}
	if f.UserQuota < 0 || f.DraftTTL <= 0 || f.SweepInterval <= 0 || f.UploadTimeout <= 0 {
		return configErrorf("files.user_quota: must not be negative; files.draft_ttl, files.sweep_interval and files.upload_timeout: must be positive")
	}
	return nil
}

func (c *RateLimitConfig) validate() error {
	switch c.Backend {
	case "local":
	case "redis":
		if !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
			return configErrorf("ratelimit.redis_url: %q is not a redis:// URL (needed by ratelimit.backend redis)", c.RedisURL)
		}
	default:
		return configErrorf("ratelimit.backend: %q is not one of local, redis", c.Backend)
	}
	if _, err := ratelimit.ParseOnError(c.OnBackendError); err != nil {
		return configErrorf("%v", err)
	}
	if c.RedisTimeout <= 0 {
		return configErrorf("ratelimit.redis_timeout: must be positive")
	}
	if c.DefaultPerSecond < 0 || c.DefaultPerMinute < 0 || c.DefaultPerHour < 0 || c.DefaultPerDay < 0 {
		return configErrorf("ratelimit.default_per_*: must not be negative")
	}
	return nil
}

// dirFor is the disk backend's directory: files.dir, else filedir beside a SQLite store.
func (f *FilesConfig) dirFor(dbURL string) (string, error) {
	if f.Dir != "" {
		return f.Dir, nil
	}
	d, src, err := db.ParseURL(dbURL)
	if err != nil || d != db.SQLite {
		return "", configErrorf("files.dir: must be set with the disk backend on PostgreSQL (or use files.backend: postgres)")
	}
	return filepath.Join(filepath.Dir(src), "filedir"), nil
}

// backend is the content backend files.backend names or the dialect implies.
func (f *FilesConfig) backend(dbURL string) string {
	if f.Backend != "" {
		return f.Backend
	}
	if d, _, _ := db.ParseURL(dbURL); d == db.Postgres {
		return "postgres"
	}
	return "disk"
}

// defaultLimits is the configured default of services without a rule.
func (c *RateLimitConfig) defaultLimits() ratelimit.Limits {
	return ratelimit.Limits{ratelimit.Second: c.DefaultPerSecond, ratelimit.Minute: c.DefaultPerMinute,
		ratelimit.Hour: c.DefaultPerHour, ratelimit.Day: c.DefaultPerDay}
}
