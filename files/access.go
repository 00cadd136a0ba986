package files

import "wsgate"

// Access decides whether a caller may read a file of its component's area.
type Access func(c *wsgate.Caller, r *Record) bool

// AccessRules are the access callbacks of the file areas, by component and
// area; a file of an area no component registered is served to nobody.
type AccessRules struct {
	rules map[[2]string]Access
}

// NewAccessRules returns rules that allow nothing.
func NewAccessRules() *AccessRules { return &AccessRules{rules: map[[2]string]Access{}} }

// Register sets the callback of component's area; called at start, before serving.
func (a *AccessRules) Register(component, filearea string, fn Access) {
	a.rules[[2]string{component, filearea}] = fn
}

// Allows reports whether c may read r.
func (a *AccessRules) Allows(c *wsgate.Caller, r *Record) bool {
	fn := a.rules[[2]string{r.Component, r.FileArea}]
	return fn != nil && c != nil && fn(c, r)
}

// OwnerOnly allows a user's own files (of the user's own context) only.
func OwnerOnly(c *wsgate.Caller, r *Record) bool {
	return r.UserID == c.UserID && r.ContextID == UserContextID(c.UserID)
}

// AnyUser allows every caller with a valid token.
func AnyUser(*wsgate.Caller, *Record) bool { return true }
