package functions

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Handler implements an external function in Go. params holds the cleaned
// parameters (Validate's output); the caller is in ctx (wsgate.CallerFrom).
// The result is cleaned with CleanReturn before it is sent.
type Handler func(ctx context.Context, params map[string]any) (any, error)

// Registry maps Moodle's (classname, methodname) pairs to Go handlers. Register
// at init time; lookups are safe from many goroutines.
type Registry struct {
	mu       sync.RWMutex
	handlers map[string]Handler
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{handlers: map[string]Handler{}}
}

// registryKey joins the pair as Moodle prints it; "" stands for "execute".
func registryKey(classname, methodname string) string {
	if methodname == "" {
		methodname = "execute"
	}
	return classname + "::" + methodname
}

// Register binds h to classname::methodname (methodname "" means "execute").
// A nil handler or a second registration of the same pair panics: both are
// programming errors found at start-up.
func (r *Registry) Register(classname, methodname string, h Handler) {
	if h == nil {
		panic(fmt.Sprintf("functions: nil handler for %s", registryKey(classname, methodname)))
	}
	k := registryKey(classname, methodname)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.handlers[k]; dup {
		panic("functions: duplicate registration of " + k)
	}
	r.handlers[k] = h
}

// Lookup returns the handler bound to classname::methodname ("" means "execute").
func (r *Registry) Lookup(classname, methodname string) (Handler, bool) {
	r.mu.RLock()
	h, ok := r.handlers[registryKey(classname, methodname)]
	r.mu.RUnlock()
	return h, ok
}

// Names lists the registered pairs as "classname::methodname", sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	names := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		names = append(names, k)
	}
	r.mu.RUnlock()
	sort.Strings(names)
	return names
}
