package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"wsgate"
	"wsgate/admin"
	"wsgate/admin/render"
	"wsgate/functions"
	"wsgate/internal/bus"
	"wsgate/internal/consul"
	"wsgate/internal/db"
	"wsgate/internal/health"
	"wsgate/internal/httplog"
	"wsgate/internal/logbuf"
	"wsgate/internal/loginlimit"
	"wsgate/internal/metrics"
	"wsgate/internal/proxy"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
	"wsgate/protocols/login"
	"wsgate/protocols/mcp"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/services/calllog"
	"wsgate/web"
)

func newServeCmd(c *cli) *cobra.Command {
	var noMigrate bool
	var cpuProfile string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gateway until SIGTERM or SIGINT",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.config()
			if err != nil {
				return err
			}
			if noMigrate {
				cfg.Database.MigrateOnStart = false
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			// Lines go through a buffer, so a slow stderr never holds up a call;
			// the deferred Close writes the last ones out after everything else.
			logs := logbuf.New(c.stderr, logbuf.Options{})
			defer logs.Close()
			log := httplog.New(logs, cfg.Log.Level, cfg.Log.Format)
			setGCPercent(cfg.GCPercent, log)
			app, err := NewApp(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			// The last line says the store and the call log are closed, so an
			// operator reading the log knows the stop was clean.
			defer func() { _ = app.Close(); log.Info("stopped") }()
			app.LogBuffer = logs
			if err := app.Listen(); err != nil {
				return err
			}
			app.PrintWelcome(c.stdout)
			return app.Serve(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&noMigrate, "no-migrate", false, "do not migrate the store up at start")
	// For performance work (make loadtest -cpuprofile): nothing is served, the profile goes to a file.
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

// startCPUProfile profiles the process into path until the returned stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// App is the running gateway: the wired gateway, the HTTP engine and its
// server. Its fields are exported for tests that drive it end to end.
type App struct {
	*gateway
	Config *Config
	Log    *slog.Logger
	DB     *db.DB
	Engine *gin.Engine
	Status *health.Status
	// LogBuffer is the buffer under Log whose dropped lines /metrics counts
	// (nil: none); set it before Serve.
	LogBuffer *logbuf.Writer

	login *login.Handler
	// logins limits password guessing at /login/token.php and /admin/login
	// alike; refusals logs the logins both refuse.
	logins   loginlimit.Limiter
	refusals *loginlimit.RefusalLog
	relay    *bus.Relay
	metrics  *metrics.Metrics
	trusted  []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
	closeBus func()
	// recorder writes the call log; nil when calllog.enabled is off.
	recorder *calllog.Recorder
	// rateCounter counts calls against their rate limits (ratelimit.*).
	rateCounter     *ratelimit.Guard
	rateRedis       *ratelimit.Redis // nil unless ratelimit.backend is redis
	closeRateLimits func()
	listener        net.Listener
	server          *http.Server
}

// NewApp opens the gateway (store, migrations, implementations), upgrades the
// components when configured to, and wires the routes.
func NewApp(ctx context.Context, cfg *Config, log *slog.Logger, extra ...func(*functions.Registry)) (*App, error) {
	g, err := openGateway(ctx, cfg, log, extra...)
	if err != nil {
		return nil, err
	}
	// The upgrade state /status reports: installed at start, or, when serve
	// does not upgrade, whether the manifests match the tables.
	upgradeState := error(nil)
	diff, err := g.upgrade(ctx, !cfg.Components.UpgradeOnStart, nil)
	switch {
	case err != nil && cfg.Components.UpgradeOnStart:
		g.Close()
		return nil, fmt.Errorf("upgrade: %w", err)
	case err != nil:
		upgradeState = fmt.Errorf("the component manifests do not load: %w", err)
	case !diff.Empty() && cfg.Components.UpgradeOnStart:
		diff.Log(ctx, log)
	case !diff.Empty():
		upgradeState = errors.New("an upgrade is pending: run wsgate upgrade")
	}
	d := g.db
	secret, err := loginSecret(cfg)
	if err != nil {
		g.Close()
		return nil, err
	}
	if secret == nil {
		log.Info("login.secret_file is not set: /login/token.php makes a new token at every login")
	}
	a := &App{gateway: g, Config: cfg, Log: log, DB: d}
	a.trusted, _ = proxy.ParsePrefixes(cfg.TrustedProxies) // validated with the configuration
	a.Status = &health.Status{Version: wsgate.Version, Store: string(d.Dialect), Log: log,
		SchemaVersion: func(ctx context.Context) (uint, error) { return schemaVersion(ctx, d) }}
	// The read pool: on SQLite a long write holds the one writer connection.
	a.Status.Add("database", func(ctx context.Context) error { return d.Read.PingContext(ctx) })
	a.Status.Add("cache_invalidation", a.changesHealth.Check)
	a.Status.Add("upgrade", func(context.Context) error { return upgradeState })
	if err := a.openBus(); err != nil {
		g.Close()
		return nil, err
	}
	if cfg.CallLog.Enabled {
		a.recorder = calllog.NewRecorder(g.calls, calllog.Options{Buffer: cfg.CallLog.Buffer,
			Retention: cfg.CallLog.Retention, MaxRows: cfg.CallLog.MaxRows, Log: log})
		g.pipeline.Calls = a.recorder
	}
	var callLogDropped func() uint64
	if a.recorder != nil {
		callLogDropped = a.recorder.Dropped
	}
	a.metrics = metrics.New(metrics.Sources{CallLogDropped: callLogDropped, DB: d.DB, Cache: func() metrics.CacheStats { return metrics.CacheStats(g.auth.Stats()) }, Backlog: a.relay.Backlog, Log: log,
		LogDropped: func() uint64 { return a.LogBuffer.Dropped() }})
	g.pipeline.Observe = a.metrics.Observe
	if err := a.openRateLimits(); err != nil {
		a.Close()
		return nil, err
	}
	// The login limits count in the rate limits' Redis when there is one.
	a.logins = a.loginLimiter()
	a.refusals = loginlimit.NewRefusalLog(log)
	a.login = login.NewHandler(g.store, login.Options{TokenDuration: cfg.Login.TokenDuration,
		Limiter: a.logins, Refusals: a.refusals, Secret: secret}, log)
	if a.Engine, err = a.routes(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// schemaVersion reads golang-migrate's bookkeeping table (same on both dialects).
func schemaVersion(ctx context.Context, d *db.DB) (uint, error) {
	var v int64
	err := d.QueryRowContext(ctx, `SELECT version FROM schema_migrations LIMIT 1`).Scan(&v)
	return uint(v), err
}

func (a *App) routes() (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	_ = e.SetTrustedProxies(nil)
	e.GET("/status", gin.WrapH(a.Status))
	e.GET("/metrics", gin.WrapH(a.metrics.Handler()))
	// One intake for every protocol: the token before the body, one budget
	// per request, one gate for the whole process.
	pc := a.Config.Protocols
	intake := protocols.Intake{Tokens: a.pipeline, Decodes: protocols.NewGate(pc.MaxParallelDecodes, pc.DecodeWait),
		Limits: protocols.Limits{MaxNodes: pc.MaxNodes, MaxDepth: pc.MaxDepth, MaxStringBytes: pc.MaxStringBytes}}
	restServer := gin.WrapH(&rest.Server{Dispatcher: a.pipeline, Debug: a.Config.Debug, Log: a.Log,
		MaxBodyBytes: pc.MaxBodyBytes, Intake: intake})
	e.Any(rest.Path, restServer)
	// The OpenAPI documents give each function a path of its own (rest.PathFunction).
	e.Any(rest.Path+"/:function", restServer)
	e.Any("/login/token.php", gin.WrapH(a.login))
	a.fileRoutes(e)
	e.Any(soap.Path, gin.WrapH(&soap.Server{Dispatcher: a.pipeline, Lister: a.pipeline, Debug: a.Config.Debug,
		Log: a.Log, MaxBodyBytes: pc.MaxBodyBytes, Functions: a.function, Intake: intake,
		BaseURL: func(*http.Request) string { return a.siteURL + soap.Path }}))
	err := admin.Mount(e.Group("/1.0"), admin.Deps{Store: a.store, Catalog: a.catalog, Auth: a.auth, Calls: a.calls,
		AfterCommit: a.relay.Notify, Log: a.Log}, a.Config.EnabledPlugins)
	if err != nil {
		return nil, fmt.Errorf("admin API: %w", err)
	}
	err = web.Mount(e, web.Deps{
		Admin:    admin.Deps{Store: a.store, Catalog: a.catalog, Auth: a.auth, Calls: a.calls, AfterCommit: a.relay.Notify, Log: a.Log},
		SiteName: a.Config.Site.Name,
		SiteURL:  func() string { return a.siteURL }, // read per request: the port is known once listening
		Log:      a.Log,
		Logins:   a.logins,
		// One refusal log for both logins: one budget of lines a second.
		LoginRefusals: a.refusals,
		RateCounter:   a.rateCounter,
		// The test client calls the gateway at its own listener, whatever
		// the public URL; and offers the protocols the site serves.
		GatewayURL: a.selfURL,
		Protocols:  a.Config.Protocols.Enabled,
	})
	if err != nil {
		return nil, fmt.Errorf("admin pages: %w", err)
	}
	adminErrors := &render.Renderer{Log: a.Log}
	e.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/1.0/") {
			adminErrors.Error(c, "", wsgate.ErrNotFound.WithDebug("no such resource"))
			return
		}
		c.String(http.StatusNotFound, "404 page not found")
	})
	e.NoMethod(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/1.0/") {
			c.AbortWithStatusJSON(http.StatusMethodNotAllowed, render.ErrorBody{Message: "Method not allowed",
				ErrorID: "method-not-allowed", Details: map[string]any{}, Timestamp: float64(time.Now().UnixMicro()) / 1e6})
			return
		}
		c.String(http.StatusMethodNotAllowed, "405 method not allowed")
	})
	e.Any(xmlrpc.Path, gin.WrapH(&xmlrpc.Server{Dispatcher: a.pipeline, Lister: a.pipeline,
		Debug: a.Config.Debug, Log: a.Log, MaxBodyBytes: pc.MaxBodyBytes, Intake: intake}))
	agents := mcp.New(mcp.Options{Pipeline: a.pipeline, Services: a.auth, Intake: intake, MaxBodyBytes: pc.MaxBodyBytes,
		SessionTimeout: pc.MCPSessionTimeout, MaxSessionsPerToken: pc.MCPMaxSessionsPerToken, Debug: a.Config.Debug, Log: a.Log})
	a.auth.OnInvalidate(agents.Invalidated) // open sessions learn when their tools change
	e.Any(mcp.Path, gin.WrapH(agents))
	return e, nil
}

// Listen opens the configured address (port 0 picks a free port).
func (a *App) Listen() error {
	l, err := net.Listen("tcp", a.Config.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Listen, err)
	}
	a.listener = l
	if a.Config.Site.URL == "" {
		a.siteURL = a.URL() // the port is known now (listen on :0)
	}
	return nil
}

// URL is the base URL the gateway answers on, once listening.
func (a *App) URL() string { return "http://" + a.listener.Addr().String() }

// Serve answers requests until ctx is done, then stops accepting and lets
// in-flight requests finish within the configured grace period.
func (a *App) Serve(ctx context.Context) error {
	a.server = &http.Server{
		Handler:           proxy.Handler(a.trusted, httplog.Middleware(a.Log, cleanPaths(a.Engine))),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	// The authorizer writes token last-access times in the background; its
	// final flush happens before Serve returns, while the store is open.
	actx, stopAuth := context.WithCancel(context.Background())
	a.auth.Start(actx)
	a.recorder.Start(actx)
	watched, relayed := make(chan struct{}), make(chan struct{})
	go func() { a.watchChanges(actx); close(watched) }()
	go func() { a.relay.Run(actx); close(relayed) }()
	swept := make(chan struct{})
	go func() {
		a.files.RunSweeper(actx, a.Config.Files.SweepInterval, a.Config.Files.DraftTTL, a.Log)
		close(swept)
	}()
	defer func() {
		stopAuth()
		<-a.auth.Done()
		<-a.recorder.Done()
		<-watched
		<-relayed
		<-swept
	}()
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.listener) }()
	a.Log.Info("serving", "url", a.URL(), "store", a.DB.Dialect, "version", wsgate.Version)
	cctx, stopConsul := context.WithCancel(ctx)
	consulDone := make(chan struct{})
	go func() {
		defer close(consulDone)
		cc := a.Config.consulConfig(a.listener.Addr().(*net.TCPAddr).Port)
		if err := consul.Run(cctx, cc, consul.HTTPStatus(nil, a.URL()+"/status"), a.Log); err != nil {
			a.Log.Error("consul registration", "error", err)
		}
	}()
	defer func() { stopConsul(); <-consulDone }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
	defer cancel()
	err := a.server.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		a.Log.Warn("grace period over: closing the remaining connections")
		_ = a.server.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// openBus sets up the event relay: to RabbitMQ when bus.url is set, to the log otherwise.
func (a *App) openBus() error {
	var pub bus.Publisher = bus.NewLogPublisher(a.Log)
	a.closeBus = func() {}
	if a.Config.Bus.URL != "" {
		ap, err := bus.NewAMQPPublisher(bus.AMQPConfig{URL: a.Config.Bus.URL, Exchange: a.Config.Bus.Exchange,
			OriginUUID: a.Config.Bus.OriginUUID, ConnectionName: "wsgate", Log: a.Log})
		if err != nil {
			return err
		}
		pub, a.closeBus = ap, func() { _ = ap.Close() }
		a.Status.Add("bus", ap.Check)
	}
	a.relay = bus.NewRelay(a.DB, pub, a.Log, bus.RelayOptions{})
	wake := a.relay.Notify
	a.afterCommit.Store(&wake)
	a.Status.Add("outbox", a.relay.Check)
	return nil
}

// Close releases the bus connection and the store.
func (a *App) Close() error {
	a.closeBus()
	if a.closeRateLimits != nil {
		a.closeRateLimits()
	}
	return a.gateway.Close()
}
