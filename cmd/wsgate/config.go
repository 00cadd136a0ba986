package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"wsgate/admin"
)

// DefaultConfigFile is read when --config is not given and the file exists.
const DefaultConfigFile = "/etc/wsgate/config.yml"

// Config is the gateway's whole configuration, read once in cmd and passed down
// as typed values.
type Config struct {
	Listen string `mapstructure:"listen"`
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []string      `mapstructure:"trusted_proxies"`
	ShutdownGrace  time.Duration `mapstructure:"shutdown_grace"`
	Debug          bool          `mapstructure:"debug"`
	// GCPercent is the garbage collector's percent serve sets (0: Go's
	// default; GOGC in the environment wins).
	GCPercent        int                    `mapstructure:"gc_percent"`
	Database         DatabaseConfig         `mapstructure:"database"`
	Log              LogConfig              `mapstructure:"log"`
	Components       ComponentsConfig       `mapstructure:"components"`
	Calls            CallsConfig            `mapstructure:"calls"`
	CallLog          CallLogConfig          `mapstructure:"calllog"`
	Login            LoginConfig            `mapstructure:"login"`
	Users            UsersConfig            `mapstructure:"users"`
	Site             SiteConfig             `mapstructure:"site"`
	Protocols        ProtocolsConfig        `mapstructure:"protocols"`
	Files            FilesConfig            `mapstructure:"files"`
	Bus              BusConfig              `mapstructure:"bus"`
	RateLimit        RateLimitConfig        `mapstructure:"ratelimit"`
	Consul           ConsulConfig           `mapstructure:"consul"`
	ServiceDiscovery ServiceDiscoveryConfig `mapstructure:"service_discovery"`
	// EnabledPlugins switches the admin API's plugins on and off by name.
	EnabledPlugins map[string]bool `mapstructure:"enabled_plugins"`
}

// FilesConfig shapes the file store and the file scripts (package files,
// protocols/files).
type FilesConfig struct {
	// Backend keeps the contents: disk (under Dir) or postgres (in the
	// database, shared by every instance on it); empty: disk on SQLite,
	// postgres on PostgreSQL.
	Backend string `mapstructure:"backend"`
	// Dir holds the contents of the disk backend; empty: filedir beside a
	// SQLite store.
	Dir string `mapstructure:"dir"`
	// MaxBytes bounds one file (Moodle's maxbytes); a larger one is refused with fileoversized.
	MaxBytes int64 `mapstructure:"max_bytes"`
	// MaxUploadBodyBytes bounds the body of one upload.php request.
	MaxUploadBodyBytes int64 `mapstructure:"max_upload_body_bytes"`
	// MaxUploadFiles bounds the files of one upload.php request.
	MaxUploadFiles int `mapstructure:"max_upload_files"`
	// UserQuota bounds the bytes of files one user holds (0: no quota).
	UserQuota int64 `mapstructure:"user_quota"`
	// UploadTimeout bounds the reading of one upload's body (instead of the server's 60s).
	UploadTimeout time.Duration `mapstructure:"upload_timeout"`
	// DraftTTL is how long draft files live (Moodle: 4 days).
	DraftTTL time.Duration `mapstructure:"draft_ttl"`
	// SweepInterval is how often old drafts are looked for.
	SweepInterval time.Duration `mapstructure:"sweep_interval"`
	// License is recorded with uploaded files (Moodle's sitedefaultlicense).
	License string `mapstructure:"license"`
}

// BusConfig says where change events go: RabbitMQ when URL is set, the log otherwise.
type BusConfig struct {
	URL        string `mapstructure:"url"`
	Exchange   string `mapstructure:"exchange"`
	OriginUUID string `mapstructure:"origin_uuid"`
}

// RateLimitConfig says where call counts are kept and what happens when
// that store fails (see internal/ratelimit); the limits themselves are data
// (wsgate limit, the ratelimits admin plugin), except the default below.
type RateLimitConfig struct {
	Backend        string        `mapstructure:"backend"` // local or redis
	RedisURL       string        `mapstructure:"redis_url"`
	RedisPrefix    string        `mapstructure:"redis_prefix"`
	RedisTimeout   time.Duration `mapstructure:"redis_timeout"`
	OnBackendError string        `mapstructure:"on_backend_error"` // allow or deny
	// The limits of every service that has no rule of its own (0: none), counted per token.
	DefaultPerSecond int64 `mapstructure:"default_per_second"`
	DefaultPerMinute int64 `mapstructure:"default_per_minute"`
	DefaultPerHour   int64 `mapstructure:"default_per_hour"`
	DefaultPerDay    int64 `mapstructure:"default_per_day"`
}

// ProtocolsConfig says which protocols the site serves and bounds what the
// protocol servers read and decode: the body, the parse budget of each
// request (protocols.Limits) and the decodes running at once (protocols.Gate).
type ProtocolsConfig struct {
	// Enabled are the protocols served (services.Protocols); a call over
	// another answers servicenotavailable in that protocol's form.
	Enabled []string `mapstructure:"enabled"`
	// MCPSessionTimeout ends MCP sessions idle that long (0: never).
	MCPSessionTimeout time.Duration `mapstructure:"mcp_session_timeout"`
	// MCPMaxSessionsPerToken bounds one token's open MCP sessions; one more
	// closes its least recently used (0: no bound).
	MCPMaxSessionsPerToken int           `mapstructure:"mcp_max_sessions_per_token"`
	MaxBodyBytes           int64         `mapstructure:"max_body_bytes"`
	MaxNodes               int           `mapstructure:"max_nodes"`
	MaxDepth               int           `mapstructure:"max_depth"`
	MaxStringBytes         int64         `mapstructure:"max_string_bytes"`
	MaxParallelDecodes     int           `mapstructure:"max_parallel_decodes"` // 0: twice GOMAXPROCS
	DecodeWait             time.Duration `mapstructure:"decode_wait"`
}

// SiteConfig names the site in get_site_info and in the pages.
type SiteConfig struct {
	Name string `mapstructure:"name"`
	URL  string `mapstructure:"url"`
}

// ComponentsConfig says where manifests come from besides the embedded ones
// and whether serve upgrades at start.
type ComponentsConfig struct {
	Paths          []string `mapstructure:"paths"`
	UpgradeOnStart bool     `mapstructure:"upgrade_on_start"`
}

// CallsConfig shapes the call pipeline.
type CallsConfig struct {
	Timeout                     time.Duration `mapstructure:"timeout"`
	EnforceFunctionCapabilities bool          `mapstructure:"enforce_function_capabilities"`
	CacheTTL                    time.Duration `mapstructure:"cache_ttl"`
	ChangePollInterval          time.Duration `mapstructure:"change_poll_interval"`
	UpstreamIdleConns           int           `mapstructure:"upstream_idle_conns"`
	MaxBatchRequests            int           `mapstructure:"max_batch_requests"`
}

// CallLogConfig shapes the call log (services/calllog): whether calls are
// recorded, how many wait in memory for their write, and how long and how
// many are kept.
type CallLogConfig struct {
	Enabled   bool          `mapstructure:"enabled"`
	Retention time.Duration `mapstructure:"retention"`
	MaxRows   int64         `mapstructure:"max_rows"` // 0: no bound by count
	Buffer    int           `mapstructure:"buffer"`
}

// LoginConfig shapes /login/token.php and the limits on password guessing
// it shares with /admin/login (see internal/loginlimit).
type LoginConfig struct {
	TokenDuration      time.Duration `mapstructure:"token_duration"`
	MaxFailures        int           `mapstructure:"max_failures"`
	MaxFailuresPerAddr int           `mapstructure:"max_failures_per_address"`
	FailureWindow      time.Duration `mapstructure:"failure_window"`
	MaxLockout         time.Duration `mapstructure:"max_lockout"`
	// SecretFile holds the key that lets token.php hand out the same token again
	// (created when missing). Empty: beside a SQLite store; none on PostgreSQL.
	SecretFile string `mapstructure:"secret_file"`
}

// UsersConfig shapes changes to the gateway's users.
type UsersConfig struct {
	// RevokeOnPasswordChange: a password change ends the user's other
	// tokens and admin page sessions.
	RevokeOnPasswordChange bool `mapstructure:"revoke_on_password_change"`
}

// DatabaseConfig says which store to use and whether serve migrates it.
type DatabaseConfig struct {
	URL            string `mapstructure:"url"`
	MigrateOnStart bool   `mapstructure:"migrate_on_start"`
}

// LogConfig sets the level and format of the structured logs.
type LogConfig struct {
	Level  string `mapstructure:"level"`
	Format string `mapstructure:"format"`
}

// pluginDefaults switches every admin plugin on.
func pluginDefaults() map[string]any {
	m := map[string]any{}
	for _, name := range admin.AllPlugins() {
		m[name] = true
	}
	return m
}

// defaults are the built-in values, the lowest layer of the configuration.
var defaults = map[string]any{
	"listen":                               "127.0.0.1:9506",
	"trusted_proxies":                      []string{},
	"shutdown_grace":                       "15s",
	"debug":                                false,
	"gc_percent":                           400,
	"database.url":                         "sqlite:var/wsgate.db",
	"database.migrate_on_start":            true,
	"log.level":                            "info",
	"log.format":                           "text",
	"components.paths":                     []string{},
	"components.upgrade_on_start":          true,
	"calls.timeout":                        "30s",
	"calls.enforce_function_capabilities":  true,
	"calls.cache_ttl":                      "5m",
	"calls.change_poll_interval":           "1s",
	"calls.upstream_idle_conns":            64,
	"calls.max_batch_requests":             25,
	"calllog.enabled":                      true,
	"calllog.retention":                    "336h",
	"calllog.max_rows":                     1000000,
	"calllog.buffer":                       10000,
	"login.token_duration":                 "2016h",
	"login.max_failures":                   5,
	"login.max_failures_per_address":       20,
	"login.failure_window":                 "15m",
	"login.max_lockout":                    "24h",
	"login.secret_file":                    "",
	"users.revoke_on_password_change":      true,
	"site.name":                            "wsgate",
	"site.url":                             "",
	"protocols.enabled":                    []string{"rest", "xmlrpc", "soap", "mcp"},
	"protocols.mcp_session_timeout":        "30m",
	"protocols.mcp_max_sessions_per_token": 10,
	"protocols.max_body_bytes":             10 << 20,
	"protocols.max_nodes":                  100000,
	"protocols.max_depth":                  64,
	"protocols.max_string_bytes":           10 << 20,
	"protocols.max_parallel_decodes":       0,
	"protocols.decode_wait":                "2s",
	"files.backend":                        "",
	"files.dir":                            "",
	"files.max_bytes":                      100 << 20,
	"files.max_upload_body_bytes":          512 << 20,
	"files.max_upload_files":               100,
	"files.user_quota":                     1 << 30,
	"files.upload_timeout":                 "30m",
	"files.draft_ttl":                      "96h",
	"files.sweep_interval":                 "1h",
	"files.license":                        "unknown",
	"ratelimit.backend":                    "local",
	"ratelimit.redis_url":                  "",
	"ratelimit.redis_prefix":               "wsgate:rl:",
	"ratelimit.redis_timeout":              "250ms",
	"ratelimit.on_backend_error":           "allow",
	"ratelimit.default_per_second":         0,
	"ratelimit.default_per_minute":         0,
	"ratelimit.default_per_hour":           0,
	"ratelimit.default_per_day":            0,
	"bus.url":                              "",
	"bus.exchange":                         "wsgate-headers",
	"bus.origin_uuid":                      "",
	"consul.scheme":                        "http", "consul.host": "127.0.0.1", "consul.port": 8500, "consul.token": "",
	"service_discovery.enabled": false, "service_discovery.service_name": "wsgate", "service_discovery.service_id": "",
	"service_discovery.advertise_address": "auto", "service_discovery.advertise_address_interface": "eth0",
	"service_discovery.advertise_port": 0, "service_discovery.ttl_interval": "30s",
	"service_discovery.refresh_interval": "25s", "service_discovery.retry_interval": "2s",
	"service_discovery.deregister_critical_after": "0s", "service_discovery.extra_tags": []string{},
}

// ConfigError is a configuration fault; the binary exits with status 2 on it.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "configuration: " + e.Msg }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// LoadConfig merges, lowest first: built-in defaults, the YAML file (path, or
// DefaultConfigFile when path is empty and that file exists), every *.yml of the
// conf.d directory beside it in lexical order (a later file overrides an earlier
// one: last wins), then WSGATE_* environment variables (WSGATE_DATABASE_URL for
// database.url). Unknown keys and bad values are errors naming the key.
func LoadConfig(path string, environ []string) (*Config, []string, error) {
	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	v.SetDefault("enabled_plugins", pluginDefaults())
	explicit := path != ""
	if !explicit {
		if _, err := os.Stat(DefaultConfigFile); err == nil {
			path = DefaultConfigFile
		}
	}
	var files []string
	if path != "" {
		if err := mergeFile(v, path); err != nil {
			return nil, nil, err
		}
		files = append(files, path)
		dropIns, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "conf.d", "*.yml"))
		sort.Strings(dropIns)
		for _, f := range dropIns {
			if err := mergeFile(v, f); err != nil {
				return nil, nil, err
			}
			files = append(files, f)
		}
	}
	if err := applyEnv(v, environ); err != nil {
		return nil, nil, err
	}
	var cfg Config
	err := v.UnmarshalExact(&cfg, func(dc *mapstructure.DecoderConfig) {
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(","))
	})
	if err != nil {
		return nil, nil, decodeError(err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return &cfg, files, nil
}

func mergeFile(v *viper.Viper, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return configErrorf("%v", err)
	}
	defer f.Close()
	v.SetConfigType("yaml")
	if err := v.MergeConfig(f); err != nil {
		return configErrorf("%s: %v", path, err)
	}
	return nil
}

// applyEnv sets every known key that has a WSGATE_ variable. Unknown WSGATE_
// variables are ignored: they may belong to other tools (tests use some).
func applyEnv(v *viper.Viper, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			env[k] = val
		}
	}
	for key := range defaults {
		name := "WSGATE_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		if val, ok := env[name]; ok {
			v.Set(key, val)
		}
	}
	return nil
}

// decodeError rewrites the decoder's messages so they name the key plainly.
func decodeError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "decoding failed due to the following error(s):\n\n")
	msg = strings.ReplaceAll(msg, "'' has invalid keys: ", "unknown key: ")
	msg = strings.ReplaceAll(msg, "' has invalid keys: ", "' has unknown key: ")
	return configErrorf("%s", strings.ReplaceAll(msg, "\n", "; "))
}
