package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"

	"wsgate/admin"
	"wsgate/components"
	"wsgate/discovery"
	"wsgate/files"
	"wsgate/functions"
	"wsgate/internal/changes"
	"wsgate/internal/db"
	"wsgate/protocols"
	"wsgate/protocols/rest"
	"wsgate/services"
	"wsgate/services/calllog"

	"github.com/gin-gonic/gin"
)

// gateway is everything wired together over one store; serve and the admin
// verbs of the CLI share it, so there is one implementation of each action.
type gateway struct {
	cfg      *Config
	log      *slog.Logger
	db       *db.DB
	store    *services.Store
	registry *functions.Registry
	catalog  *functions.Catalog
	auth     *services.Authorizer
	pipeline *protocols.Pipeline
	calls    *calllog.Store  // the call log, read by the admin API and pages
	admin    *admin.Services // the admin services: the command line and core_user change data through them
	// afterCommit wakes the event relay after a change of the admin
	// services commits; serve sets it once the relay runs (nil: none).
	afterCommit atomic.Pointer[func()]
	files       *files.Store
	access      *files.AccessRules // who reads which file area, set by the components
	siteURL     string             // the public base URL, without a trailing slash
	// watcher drops the caches when another process changes the store; serve runs it.
	watcher       *changes.Watcher
	changesHealth *changes.Health // the watcher's state, for /status
}

// committed wakes the event relay, when there is one, after a change of
// the admin services committed.
func (g *gateway) committed() {
	if wake := g.afterCommit.Load(); wake != nil {
		(*wake)()
	}
}

// function returns an installed function's definition (for the SOAP decoder).
func (g *gateway) function(name string) (*functions.Function, bool) {
	e, ok := g.catalog.Get(name)
	if !ok {
		return nil, false
	}
	return e.Function, true
}

// openGateway opens the store (migrating it when configured), registers the
// shipped implementations (and those of extra, for tests) and loads the
// installed functions.
func openGateway(ctx context.Context, cfg *Config, log *slog.Logger, extra ...func(*functions.Registry)) (*gateway, error) {
	d, err := db.Open(ctx, cfg.Database.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Database.MigrateOnStart {
		if err := d.MigrateUp(); err != nil {
			d.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	gin.SetMode(gin.ReleaseMode) // the admin client and the pages build gin engines: no debug route tables
	store := services.NewStore(d, services.WithRevokeOnPasswordChange(cfg.Users.RevokeOnPasswordChange))
	g := &gateway{cfg: cfg, log: log, db: d, store: store, registry: functions.NewRegistry()}
	g.catalog = functions.NewCatalog(d, g.registry)
	// The count other processes' changes are compared with is read before
	// anything is cached, so no change can fall between the two.
	g.changesHealth = &changes.Health{}
	g.watcher = changes.NewWatcher(d, cfg.Calls.ChangePollInterval, log, g.dropCaches, g.changesHealth)
	g.watcher.Baseline(ctx)
	g.calls = calllog.NewStore(d)
	g.siteURL = strings.TrimSuffix(cfg.Site.URL, "/")
	if g.siteURL == "" {
		g.siteURL = "http://" + cfg.Listen
	}
	g.auth = services.NewAuthorizer(g.store, g.catalog, services.AuthorizerOptions{TTL: cfg.Calls.CacheTTL,
		IgnoreFunctionCapabilities: !cfg.Calls.EnforceFunctionCapabilities, Logger: log,
		Protocols: append([]string{}, cfg.Protocols.Enabled...), DefaultRateLimit: cfg.RateLimit.defaultLimits()})
	if g.files, err = openFiles(cfg, d); err != nil {
		d.Close()
		return nil, err
	}
	g.access = files.NewAccessRules()
	g.pipeline = &protocols.Pipeline{Auth: g.auth, Functions: g.catalog,
		Validator: &functions.Validator{KnownCapability: g.auth.KnownCapability},
		Upstream:  &protocols.UpstreamClient{MaxIdleConnsPerHost: cfg.Calls.UpstreamIdleConns}, Timeout: cfg.Calls.Timeout, Log: log}
	g.admin = admin.NewServices(admin.Deps{Store: g.store, Catalog: g.catalog, Auth: g.auth, Log: log,
		AfterCommit: g.committed})
	components.Register(g.registry, components.Deps{Store: g.store, Users: g.admin.Users, Auth: g.auth, Catalog: g.catalog,
		Files: g.files, Access: g.access, FileQuota: cfg.Files.UserQuota, FileMaxBytes: cfg.Files.MaxBytes,
		SiteName: cfg.Site.Name, SiteURL: func() string { return g.siteURL },
		// Batch items go through the pipeline; their results and errors are
		// encoded as REST's JSON, as Moodle's json_encode writes them.
		Calls: g.pipeline, MaxBatchRequests: cfg.Calls.MaxBatchRequests, EncodeData: rest.EncodeJSON,
		EncodeException: func(err error) []byte { return rest.EncodeJSONError(err, cfg.Debug) }})
	for _, register := range extra {
		register(g.registry)
	}
	// Tell the other processes on this store (serve, when this is the CLI) to drop their caches.
	g.store.OnChange(func(services.Change) { g.bumpGeneration() })
	if _, err := g.store.EnsureAdminRole(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := g.catalog.Reload(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return g, nil
}

// openFiles opens the file store over the configured content backend.
func openFiles(cfg *Config, d *db.DB) (*files.Store, error) {
	if cfg.Files.backend(cfg.Database.URL) == "postgres" {
		return files.NewStore(d, files.NewChunks(d)), nil
	}
	dir, err := cfg.Files.dirFor(cfg.Database.URL)
	if err != nil {
		return nil, err
	}
	disk, err := files.NewDisk(dir)
	if err != nil {
		return nil, err
	}
	return files.NewStore(d, disk), nil
}

// sources lists the manifests to load: the embedded components, then every
// directory of components.paths.
func (g *gateway) sources() []discovery.Source {
	src := []discovery.Source{{Name: "embedded", FS: components.Manifests}}
	for _, p := range g.cfg.Components.Paths {
		src = append(src, discovery.DirSource(p))
	}
	return src
}

// upgrade loads every manifest and syncs the tables; progress, when not nil,
// receives a progress line (for terminals) and warnings go to the log.
func (g *gateway) upgrade(ctx context.Context, dryRun bool, progress io.Writer) (*discovery.Diff, error) {
	var report func(done, total int)
	if progress != nil {
		report = func(done, total int) {
			fmt.Fprintf(progress, "\rloading component manifests: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(progress)
			}
		}
	}
	cat, err := discovery.Load(g.sources(), g.registry, report)
	if err != nil {
		return nil, err
	}
	for _, w := range cat.Warnings {
		g.log.Warn("manifest", "warning", w.String())
	}
	syncer := &discovery.Syncer{DB: g.db, Tables: discovery.ServicesTables(g.store), Changed: func() {
		g.dropCaches()
		g.bumpGeneration()
	}}
	return syncer.Sync(ctx, cat, dryRun)
}

// dropCaches forgets cached authorization data and reloads the functions.
func (g *gateway) dropCaches() {
	g.auth.Invalidate()
	if err := g.catalog.Reload(context.Background()); err != nil {
		g.log.Error("reload functions", "error", err)
	}
}

// bumpGeneration tells every process on the store that something changed.
func (g *gateway) bumpGeneration() {
	if err := changes.Bump(context.Background(), g.db); err != nil {
		g.log.Warn("record change generation", "error", err)
	}
}

// watchChanges drops the caches whenever another process changed the store
// since openGateway took the watch's baseline.
func (g *gateway) watchChanges(ctx context.Context) { g.watcher.Run(ctx) }

// Close releases the store.
func (g *gateway) Close() error { return g.db.Close() }

// isTerminal reports whether w is a terminal (for progress lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
