package wsgate

import (
	"context"
	"fmt"
)

// Caller is who is calling a function: the user, the service the token grants
// and the protocol, carried in the context handed to implementations.
type Caller struct {
	UserID       int64
	Username     string
	ServiceID    int64
	ServiceName  string
	Shortname    string
	TokenID      int64
	Protocol     string
	RemoteIP     string
	Capabilities map[string]bool // capabilities the user holds; nil means none
	IsSiteAdmin  bool
	ReadOnly     bool // the token may call only functions of type read
}

// Can reports whether the caller holds capability cap.
func (c *Caller) Can(cap string) bool {
	return c != nil && (c.IsSiteAdmin || c.Capabilities[cap])
}

type callerKey struct{}

// WithCaller returns a context carrying c.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller carried by ctx, or nil.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
