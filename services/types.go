package services

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Authentication methods a user may have (Moodle's user.auth).
const (
	AuthManual  = "manual"  // password login allowed
	AuthNoLogin = "nologin" // the account may not log in at all
)

// AdminRole is the shortname of the built-in role that holds every capability.
const AdminRole = "admin"

// User is a gateway account. The password hash never leaves the package.
type User struct {
	ID           int64
	Username     string
	FirstName    string
	LastName     string
	Email        string
	Auth         string // AuthManual or AuthNoLogin
	Suspended    bool
	Deleted      bool
	TimeCreated  int64 // unix seconds
	TimeModified int64 // unix seconds
	// LoginGen counts the password changes that ended the user's logins
	// (SetPassword): an admin page session made at another value has ended.
	LoginGen int64
}

// UserFilter selects users for ListUsers.
type UserFilter struct {
	IncludeDeleted bool
}

// Role is a named set of capabilities assigned to users.
type Role struct {
	ID           int64
	Shortname    string
	Name         string
	Description  string
	Capabilities []string // sorted; empty for AdminRole, which holds every capability
}

// Capability is a permission name registered by a component.
type Capability struct {
	Name        string
	Component   string
	Description string
}

// Service is a named group of functions with access rules (external_services).
type Service struct {
	ID                 int64
	Name               string
	Shortname          string // "" when the service has none
	Enabled            bool
	RequiredCapability string // "" when none is required
	RestrictedUsers    bool   // only authorised users (ServiceUser) may use it
	Component          string // "" for a custom service made by an administrator
	DownloadFiles      bool
	UploadFiles        bool
	TimeCreated        int64 // unix seconds
	TimeModified       int64 // unix seconds, 0 when never modified
	// Protocols are the protocols the service may be called over, among
	// those the site enables; nil for all of them.
	Protocols []string
}

// ServiceUser authorises a user to use a restricted service (external_services_users).
type ServiceUser struct {
	ServiceID     int64
	UserID        int64
	IPRestriction string // "" for any address; see ParseIPRestriction
	ValidUntil    int64  // unix seconds, 0 for no expiry
	TimeCreated   int64
}

// Token describes a web service token; its value is shown once, at creation,
// and only its SHA-256 is stored.
type Token struct {
	ID            int64
	UserID        int64
	ServiceID     int64
	CreatorID     int64  // 0 when unknown or deleted
	IPRestriction string // "" for any address
	ValidUntil    int64  // unix seconds, 0 for no expiry
	TimeCreated   int64
	LastAccess    int64 // unix seconds, 0 when never used
	Name          string
	ReadOnly      bool   // only functions of type read may be called with it
	LastAccessIP  string // the address of the last access; "" when unknown
}

// ExpiresWithin reports whether the token has an expiry no later than d
// after now (an expired one too): the token report marks it.
func (t *Token) ExpiresWithin(now time.Time, d time.Duration) bool {
	return t.ValidUntil != 0 && t.ValidUntil <= now.Add(d).Unix()
}

// UnusedFor reports whether the token has not been used in the d before now
// (or never was): the token report's "not used for" filter.
func (t *Token) UnusedFor(now time.Time, d time.Duration) bool {
	return t.LastAccess <= now.Add(-d).Unix()
}

// SortByExpiry orders tokens by validuntil ascending, those that never
// expire last, then by id: the token report's default order.
func SortByExpiry(toks []Token) {
	slices.SortStableFunc(toks, func(a, b Token) int {
		ua, ub := a.ValidUntil, b.ValidUntil
		if ua == 0 {
			ua = math.MaxInt64
		}
		if ub == 0 {
			ub = math.MaxInt64
		}
		if c := cmp.Compare(ua, ub); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// TokenSpec is what CreateToken needs to make a token.
type TokenSpec struct {
	UserID        int64
	ServiceID     int64
	CreatorID     int64  // 0 for none
	IPRestriction string // "" for any address
	ValidUntil    int64  // unix seconds, 0 for no expiry
	Name          string // "" for Moodle's default "Webservice-<5 random chars>"
	ReadOnly      bool   // the token may call only functions of type read
	// Value is the token value to store, 32 lowercase hex characters, for a
	// caller that derives values it can compute again (login/token.php reuse)
	// or imports Moodle tokens; "" draws one from crypto/rand. A value in use
	// is a Conflict error.
	Value string
}
