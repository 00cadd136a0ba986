package services

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wsgate/internal/db"
)

// Store reads and writes the tables package services owns. A Store made by
// NewStore runs each method on its own; one returned by Transact or WithTx
// runs them inside a transaction. Every write announces what it changed to the
// OnChange hooks once the change is committed, so caches (the Authorizer) stay
// correct.
type Store struct {
	db  *db.DB
	q   db.Querier
	cfg *storeConfig
	tx  *txState // nil outside a transaction
}

type storeConfig struct {
	now                    func() time.Time
	wrap                   func(db.Querier) db.Querier
	bcryptCost             int
	revokeOnPasswordChange bool

	mu    sync.RWMutex
	hooks []func(Change)

	dummyOnce sync.Once
	dummyHash []byte
}

type txState struct {
	mu      sync.Mutex
	pending Change // announced by Announce, after the commit
}

// StoreOption configures a Store.
type StoreOption func(*storeConfig)

// WithClock sets the clock that stamps timecreated, timemodified and expiry checks.
func WithClock(now func() time.Time) StoreOption {
	return func(c *storeConfig) { c.now = now }
}

// WithQuerier wraps every querier the store uses, the database and each
// transaction (tests count queries with it).
func WithQuerier(wrap func(db.Querier) db.Querier) StoreOption {
	return func(c *storeConfig) { c.wrap = wrap }
}

// WithBcryptCost sets the bcrypt cost of new password hashes (default bcrypt.DefaultCost).
func WithBcryptCost(cost int) StoreOption {
	return func(c *storeConfig) { c.bcryptCost = cost }
}

// WithRevokeOnPasswordChange says whether SetPassword ends the user's other
// logins, tokens and admin page sessions (default true).
func WithRevokeOnPasswordChange(revoke bool) StoreOption {
	return func(c *storeConfig) { c.revokeOnPasswordChange = revoke }
}

// NewStore returns a Store over d.
func NewStore(d *db.DB, opts ...StoreOption) *Store {
	cfg := &storeConfig{now: time.Now, bcryptCost: bcrypt.DefaultCost, revokeOnPasswordChange: true}
	for _, o := range opts {
		o(cfg)
	}
	s := &Store{db: d, cfg: cfg}
	s.q = s.wrapQuerier(d)
	return s
}

// DB returns the store the Store runs on (for the packages beside services
// that keep tables of their own in it, as the call log does).
func (s *Store) DB() *db.DB { return s.db }

func (s *Store) wrapQuerier(q db.Querier) db.Querier {
	if s.cfg.wrap != nil {
		return s.cfg.wrap(q)
	}
	return q
}

// Change says what a committed write touched, so a cache can drop just that.
type Change struct {
	All      bool     // anything may have changed
	Services bool     // services or their function lists
	Roles    bool     // roles or role capabilities
	Limits   bool     // rate limit rules or function weights
	Users    []int64  // users whose row, roles or service authorisations changed
	Tokens   []string // hex SHA-256 of tokens created, changed or deleted
}

// IsZero reports whether c names no change.
func (c Change) IsZero() bool {
	return !c.All && !c.Services && !c.Roles && !c.Limits && len(c.Users) == 0 && len(c.Tokens) == 0
}

func (c *Change) merge(o Change) {
	c.All = c.All || o.All
	c.Services = c.Services || o.Services
	c.Roles = c.Roles || o.Roles
	c.Limits = c.Limits || o.Limits
	c.Users = append(c.Users, o.Users...)
	c.Tokens = append(c.Tokens, o.Tokens...)
}

// OnChange registers fn to be told about every change made through the store
// (and its transactions), after the change is committed. fn must be quick and
// must not call back into the store.
func (s *Store) OnChange(fn func(Change)) {
	s.cfg.mu.Lock()
	defer s.cfg.mu.Unlock()
	s.cfg.hooks = append(s.cfg.hooks, fn)
}

// announce tells the hooks about c now, or, inside a transaction, after it commits.
func (s *Store) announce(c Change) {
	if c.IsZero() {
		return
	}
	if s.tx != nil {
		s.tx.mu.Lock()
		s.tx.pending.merge(c)
		s.tx.mu.Unlock()
		return
	}
	s.deliver(c)
}

func (s *Store) deliver(c Change) {
	s.cfg.mu.RLock()
	hooks := slices.Clone(s.cfg.hooks)
	s.cfg.mu.RUnlock()
	for _, h := range hooks {
		h(c)
	}
}

// Transact runs fn with a Store bound to a new transaction, committed when fn
// returns nil and rolled back otherwise; the changes are announced after the
// commit. Called on a Store already in a transaction, it runs fn in that one.
func (s *Store) Transact(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	var txs *Store
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		txs = s.bind(tx)
		return fn(txs)
	})
	if err == nil && txs != nil {
		txs.Announce()
	}
	return err
}

// WithTx returns a Store whose methods run inside tx, a transaction the caller
// commits. Its changes are held back until the caller calls Announce after the
// commit; until then (or if the caller forgets) caches may serve the old data
// for up to their TTL.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	return s.bind(tx)
}

func (s *Store) bind(tx *sql.Tx) *Store {
	return &Store{db: s.db, q: s.wrapQuerier(tx), cfg: s.cfg, tx: &txState{}}
}

// Announce tells the OnChange hooks about the changes made through a Store
// returned by WithTx; call it once the transaction has committed. On any other
// Store it does nothing.
func (s *Store) Announce() {
	if s.tx == nil {
		return
	}
	s.tx.mu.Lock()
	c := s.tx.pending
	s.tx.pending = Change{}
	s.tx.mu.Unlock()
	if !c.IsZero() {
		s.deliver(c)
	}
}

// now is the store clock in unix seconds.
func (s *Store) now() int64 { return s.cfg.now().Unix() }

// nullString stores "" as NULL.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// nullInt stores 0 as NULL.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect scans every row of a query with scan.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, db.Translate(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, db.Translate(err)
		}
		out = append(out, v)
	}
	return out, db.Translate(rows.Err())
}

// Querier is what this Store runs its statements on: inside Transact or WithTx,
// the transaction, so other packages' writes (the event outbox) commit with it.
func (s *Store) Querier() db.Querier { return s.q }
