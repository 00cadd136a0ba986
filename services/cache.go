package services

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// tokenKey is the SHA-256 of a token value.
type tokenKey [sha256.Size]byte

// tokenEntry is a cached permanent token.
type tokenEntry struct {
	id, userID, serviceID int64
	ip                    IPRestriction
	validUntil            int64
	readOnly              bool         // only functions of type read
	loadedAt              int64        // unix nanoseconds
	lastAccess            atomic.Int64 // newest lastaccess stored or queued for writing
}

// userEntry is a cached user with what authorisation needs of its roles and
// service authorisations, and the names Profile reports.
type userEntry struct {
	id                  int64
	username, auth      string
	firstName, lastName string
	suspended, deleted  bool
	admin               bool
	caps                map[string]bool // nil when none; shared with callers, never written after load
	services            map[int64]serviceUserEntry
	loadedAt            int64
	memos               memos // ProfileMemo's values for this user
}

func (u *userEntry) can(capability string) bool { return u.admin || u.caps[capability] }

// serviceUserEntry is an authorised user's limits for one restricted service.
type serviceUserEntry struct {
	ip         IPRestriction
	validUntil int64
}

// serviceEntry is a cached service with its function set.
type serviceEntry struct {
	id                         int64
	name, shortname            string
	enabled                    bool
	restricted                 bool
	requiredCap                string
	downloadFiles, uploadFiles bool
	protocols                  []string // nil: every protocol the site enables
	functions                  map[string]struct{}
	functionNames              []string // the keys of functions, sorted
}

func (s *serviceEntry) has(function string) bool {
	_, ok := s.functions[function]
	return ok
}

// policy is the small, shared part of the authorisation data: every service
// with its functions, and role capabilities. It is immutable once built.
type policy struct {
	services     map[int64]*serviceEntry
	capabilities map[string]struct{} // every registered capability
	roleCaps     map[int64][]string
	adminRoleID  int64 // 0 when the admin role does not exist
	limits       rateRules
	loadedAt     int64
}

// cache holds what Authorize needs. Every invalidation bumps gen; a load
// stores its result only if gen has not moved since the load began, so a
// load racing with a change never caches what the change replaced.
type cache struct {
	mu      sync.RWMutex
	gen     uint64
	pol     *policy
	tokens  map[tokenKey]*tokenEntry
	unknown map[tokenKey]int64 // tokens known not to exist -> when learnt
	users   map[int64]*userEntry

	tokenFlight  flight[genKey[tokenKey], *tokenEntry]
	userFlight   flight[genKey[int64], *userEntry]
	policyFlight flight[genKey[struct{}], *policy]
}

func (c *cache) init() {
	c.tokens = make(map[tokenKey]*tokenEntry)
	c.unknown = make(map[tokenKey]int64)
	c.users = make(map[int64]*userEntry)
}

// view is what one Authorize call found in the cache, all read at generation gen.
type view struct {
	now     int64 // unix nanoseconds
	gen     uint64
	key     tokenKey
	tok     *tokenEntry
	unknown bool
	pol     *policy
	usr     *userEntry
}

func (a *Authorizer) fresh(loadedAt, now int64) bool {
	return now-loadedAt <= int64(a.opts.TTL)
}

// lookup fills v with the fresh entries the cache holds for v.key, under one read lock.
func (a *Authorizer) lookup(v *view) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	a.readPolicy(v)
	if t := a.tokens[v.key]; t != nil && a.fresh(t.loadedAt, v.now) {
		v.tok = t
		if u := a.users[t.userID]; u != nil && a.fresh(u.loadedAt, v.now) {
			v.usr = u
		}
		return
	}
	if at, ok := a.unknown[v.key]; ok && a.fresh(at, v.now) {
		v.unknown = true
	}
}

// readPolicy sets v's generation and, when fresh, its policy; the caller holds a.mu.
func (a *Authorizer) readPolicy(v *view) {
	v.gen = a.gen
	if p := a.pol; p != nil && a.fresh(p.loadedAt, v.now) {
		v.pol = p
	}
}

// token returns the token of v, loading it if needed; nil when none exists.
func (a *Authorizer) token(ctx context.Context, v *view) (*tokenEntry, error) {
	if v.tok != nil || v.unknown {
		return v.tok, nil
	}
	key, gen, now := v.key, v.gen, v.now // copies: v must not escape
	return a.tokenFlight.do(ctx, genKey[tokenKey]{key, gen}, func(ctx context.Context) (*tokenEntry, error) {
		t, err := a.loadToken(ctx, key, now)
		if err != nil {
			return nil, ErrStoreUnavailable.Wrap(err)
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.gen != gen {
			return t, nil
		}
		if t == nil {
			if len(a.unknown) >= a.opts.MaxUnknownTokens {
				a.unknown = make(map[tokenKey]int64)
			}
			a.unknown[key] = now
			return nil, nil
		}
		if old := a.tokens[key]; old != nil && old.id == t.id {
			t.lastAccess.Store(max(t.lastAccess.Load(), old.lastAccess.Load()))
		}
		a.tokens[key] = t
		return t, nil
	})
}

// policy returns the services and role capabilities, loading them if needed.
func (a *Authorizer) policy(ctx context.Context, v *view) (*policy, error) {
	if v.pol != nil {
		return v.pol, nil
	}
	gen, now := v.gen, v.now
	p, err := a.policyFlight.do(ctx, genKey[struct{}]{gen: gen}, func(ctx context.Context) (*policy, error) {
		p, err := a.loadPolicy(ctx, now)
		if err != nil {
			return nil, ErrStoreUnavailable.Wrap(err)
		}
		a.mu.Lock()
		if a.gen == gen {
			a.pol = p
		}
		a.mu.Unlock()
		return p, nil
	})
	v.pol = p
	return p, err
}

// user returns user id, loading it (with v.pol) if needed; nil when none exists.
func (a *Authorizer) user(ctx context.Context, v *view, id int64) (*userEntry, error) {
	if v.usr != nil {
		return v.usr, nil
	}
	a.mu.RLock()
	u := a.users[id]
	a.mu.RUnlock()
	if u != nil && a.fresh(u.loadedAt, v.now) {
		return u, nil
	}
	gen, now, pol := v.gen, v.now, v.pol
	return a.userFlight.do(ctx, genKey[int64]{id, gen}, func(ctx context.Context) (*userEntry, error) {
		u, err := a.loadUser(ctx, id, pol, now)
		if err != nil {
			return nil, ErrStoreUnavailable.Wrap(err)
		}
		a.mu.Lock()
		if u != nil && a.gen == gen {
			a.users[id] = u
		}
		a.mu.Unlock()
		return u, nil
	})
}

// invalidate drops what ch names.
func (c *cache) invalidate(ch Change) {
	keys := make([]tokenKey, 0, len(ch.Tokens))
	for _, h := range ch.Tokens {
		var k tokenKey
		if n, err := hex.Decode(k[:], []byte(h)); err == nil && n == len(k) {
			keys = append(keys, k)
		} else {
			ch.All = true // a hash we cannot read: be safe
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if ch.All {
		c.pol = nil
		c.init()
		return
	}
	if ch.Services || ch.Roles || ch.Limits {
		c.pol = nil
	}
	if ch.Roles {
		c.users = make(map[int64]*userEntry) // their capabilities came from the roles
	}
	for _, id := range ch.Users {
		delete(c.users, id)
	}
	for _, k := range keys {
		delete(c.tokens, k)
		delete(c.unknown, k)
	}
}

// sweep drops entries older than the TTL, so tokens deleted elsewhere and
// never presented again do not stay in memory.
func (a *Authorizer) sweep(now time.Time) {
	n := now.UnixNano()
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, t := range a.tokens {
		if !a.fresh(t.loadedAt, n) {
			delete(a.tokens, k)
		}
	}
	for k, at := range a.unknown {
		if !a.fresh(at, n) {
			delete(a.unknown, k)
		}
	}
	for id, u := range a.users {
		if !a.fresh(u.loadedAt, n) {
			delete(a.users, id)
		}
	}
}

// loadToken reads the permanent token with hash key; nil when there is none.
func (a *Authorizer) loadToken(ctx context.Context, key tokenKey, now int64) (*tokenEntry, error) {
	t := &tokenEntry{loadedAt: now}
	var ip sql.NullString
	var until, last sql.NullInt64
	err := a.store.q.QueryRowContext(ctx, `SELECT id, userid, externalserviceid, iprestriction, validuntil, lastaccess,
		readonly FROM external_tokens WHERE tokenhash = $1 AND tokentype = 0`, hex.EncodeToString(key[:])).
		Scan(&t.id, &t.userID, &t.serviceID, &ip, &until, &last, &t.readOnly)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.ip, _ = ParseIPRestriction(ip.String)
	t.validUntil = until.Int64
	t.lastAccess.Store(last.Int64)
	return t, nil
}

// loadPolicy reads every service, service function and role capability.
func (a *Authorizer) loadPolicy(ctx context.Context, now int64) (*policy, error) {
	q := a.store.q
	p := &policy{services: make(map[int64]*serviceEntry), roleCaps: make(map[int64][]string),
		capabilities: make(map[string]struct{}), loadedAt: now}
	rows, err := q.QueryContext(ctx, `SELECT id, name, shortname, enabled, requiredcapability, restrictedusers,
		downloadfiles, uploadfiles, protocols FROM external_services`)
	if err := eachRow(rows, err, func(r scanner) error {
		s := &serviceEntry{functions: make(map[string]struct{})}
		var shortname, reqcap, protos sql.NullString
		if err := r.Scan(&s.id, &s.name, &shortname, &s.enabled, &reqcap, &s.restricted,
			&s.downloadFiles, &s.uploadFiles, &protos); err != nil {
			return err
		}
		s.shortname, s.requiredCap = shortname.String, reqcap.String
		if protos.Valid {
			s.protocols = SplitProtocols(protos.String)
		}
		p.services[s.id] = s
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT externalserviceid, functionname FROM external_services_functions`)
	if err := eachRow(rows, err, func(r scanner) error {
		var id int64
		var name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		if s := p.services[id]; s != nil {
			s.functions[name] = struct{}{}
			s.functionNames = append(s.functionNames, name)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, s := range p.services {
		slices.Sort(s.functionNames)
	}
	if err := q.QueryRowContext(ctx, `SELECT id FROM roles WHERE shortname = $1`, AdminRole).
		Scan(&p.adminRoleID); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if p.limits, err = loadRateRules(ctx, a.store); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT roleid, capability FROM role_capabilities`)
	if err := eachRow(rows, err, func(r scanner) error {
		var id int64
		var c string
		if err := r.Scan(&id, &c); err != nil {
			return err
		}
		p.roleCaps[id] = append(p.roleCaps[id], c)
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT name FROM capabilities`)
	if err := eachRow(rows, err, func(r scanner) error {
		var c string
		if err := r.Scan(&c); err != nil {
			return err
		}
		p.capabilities[c] = struct{}{}
		return nil
	}); err != nil {
		return nil, err
	}
	a.knownCaps.Store(&p.capabilities)
	return p, nil
}

// loadUser reads user id, its roles (turned into capabilities with p) and
// its service authorisations; nil when there is no such user.
func (a *Authorizer) loadUser(ctx context.Context, id int64, p *policy, now int64) (*userEntry, error) {
	q := a.store.q
	u := &userEntry{id: id, loadedAt: now, services: make(map[int64]serviceUserEntry)}
	err := q.QueryRowContext(ctx, `SELECT username, firstname, lastname, auth, suspended, deleted
		FROM users WHERE id = $1`, id).Scan(&u.username, &u.firstName, &u.lastName, &u.auth, &u.suspended, &u.deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT roleid FROM role_assignments WHERE userid = $1`, id)
	if err := eachRow(rows, err, func(r scanner) error {
		var role int64
		if err := r.Scan(&role); err != nil {
			return err
		}
		if role == p.adminRoleID {
			u.admin = true
		}
		for _, c := range p.roleCaps[role] {
			if u.caps == nil {
				u.caps = make(map[string]bool)
			}
			u.caps[c] = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT externalserviceid, iprestriction, validuntil
		FROM external_services_users WHERE userid = $1`, id)
	if err := eachRow(rows, err, func(r scanner) error {
		var sid int64
		var ip sql.NullString
		var until sql.NullInt64
		if err := r.Scan(&sid, &ip, &until); err != nil {
			return err
		}
		restriction, _ := ParseIPRestriction(ip.String)
		u.services[sid] = serviceUserEntry{ip: restriction, validUntil: until.Int64}
		return nil
	}); err != nil {
		return nil, err
	}
	return u, nil
}

// eachRow calls fn for every row of a query.
func eachRow(rows *sql.Rows, err error, fn func(scanner) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
