package crud

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/internal/bus"
)

// Noun names a resource: One in messages and event names (service,
// service_created), Many in URLs, routing keys and the resource of errors
// (services, config.services.created).
type Noun struct {
	One, Many string
}

// title is One with a capital, for messages: "Service was not found".
func (n Noun) title() string {
	if n.One == "" {
		return ""
	}
	return strings.ToUpper(n.One[:1]) + n.One[1:]
}

// Reader lists and finds resources.
type Reader[T any] interface {
	// List returns the page of resources p selects, with the counts of
	// every resource and of those the search and filters keep. An unknown
	// filter or order is an Invalid error (see Columns.Check).
	List(ctx context.Context, p ListParams) (Page[T], error)
	// Get returns the resource with id; an unknown id is a NotFound error.
	Get(ctx context.Context, id string) (T, error)
}

// Dao persists resources. A plugin declares its own dao interface (in its
// dao.go), which embeds Dao and adds the lookups its rules need; the
// CRUDService binds one to each change's transaction.
type Dao[T any] interface {
	Reader[T]
	// Create stores m and fills in what the store chose (id, timestamps).
	Create(ctx context.Context, m *T) error
	// Edit stores m over old, its stored version, and fills in what the
	// store chose (timemodified).
	Edit(ctx context.Context, old, m *T) error
	// Delete removes m.
	Delete(ctx context.Context, m *T) error
}

// Validator is one rule of a resource, asking what it needs of d, the
// plugin's dao. m is the resource as it would be stored; old is its stored
// version on edit and delete (then old == m) and nil on create. A rule
// returns an Invalid error naming the fields it refuses, Exists,
// NotPermitted, or a store error.
type Validator[T, D any] func(ctx context.Context, d D, old, m *T) error

// ValidationGroup holds a resource's rules by operation: Common runs before
// the rules of each of Create, Edit and Delete.
type ValidationGroup[T, D any] struct {
	Common, Create, Edit, Delete []Validator[T, D]
}

// Check runs the common rules, then those of one operation. The Invalid
// errors of every rule are merged into one field map; any other error stops
// the run, but an Invalid one found before it wins.
func Check[T, D any](ctx context.Context, d D, old, m *T, groups ...[]Validator[T, D]) error {
	var bad Fields
	for _, g := range groups {
		for _, v := range g {
			err := v(ctx, d, old, m)
			if err == nil {
				continue
			}
			f := fieldsOf(err)
			if f == nil {
				if bad != nil {
					return Invalid(bad)
				}
				return err
			}
			bad = merge(bad, f)
		}
	}
	if bad != nil {
		return Invalid(bad)
	}
	return nil
}

// Notifier gives the event of each change of a resource.
type Notifier[T any] interface {
	Created(m *T) bus.Event
	Edited(m *T) bus.Event
	Deleted(m *T) bus.Event
}

// Events is the Notifier of a resource that wazo-bus would name:
// <one>_created|edited|deleted on config.<many>.created|edited|deleted, with
// the body Body gives (ids and key fields, never a secret).
type Events[T any] struct {
	Noun Noun
	Body func(m *T) map[string]any
}

func (e Events[T]) event(action string, m *T) bus.Event {
	return bus.Event{Name: e.Noun.One + "_" + action, RoutingKey: "config." + e.Noun.Many + "." + action, Body: e.Body(m)}
}

// Created is the event of m's creation.
func (e Events[T]) Created(m *T) bus.Event { return e.event("created", m) }

// Edited is the event of m's edition.
func (e Events[T]) Edited(m *T) bus.Event { return e.event("edited", m) }

// Deleted is the event of m's deletion.
func (e Events[T]) Deleted(m *T) bus.Event { return e.event("deleted", m) }

// ParseID reads an integer id from a URL; anything else is wsgate.ErrNotFound
// (no resource has that id).
func ParseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, wsgate.ErrNotFound
	}
	return n, nil
}

// GetByID parses id and returns get's resource; a malformed or unknown id
// is NotFound(resource, key, id).
func GetByID[T any](id, resource, key string, get func(int64) (T, error)) (T, error) {
	n, err := ParseID(id)
	var m T
	if err == nil {
		m, err = get(n)
	}
	return m, notFoundAs(err, resource, key, id)
}

// ReadService lists and finds resources that the admin API does not change
// (the installed functions).
type ReadService[T any] struct {
	Noun   Noun
	Reader Reader[T]
}

// List returns the page of resources p selects.
func (s *ReadService[T]) List(ctx context.Context, _ *wsgate.Caller, p ListParams) (Page[T], error) {
	return s.Reader.List(ctx, p)
}

// Get returns the resource with id.
func (s *ReadService[T]) Get(ctx context.Context, _ *wsgate.Caller, id string) (T, error) {
	return get(ctx, s.Reader, s.Noun, id)
}

// get returns resource id of r; an unknown id is NotFound(<Noun>, "id", id).
func get[T any](ctx context.Context, r Reader[T], n Noun, id string) (T, error) {
	m, err := r.Get(ctx, id)
	return m, notFoundAs(err, n.title(), "id", id)
}

// As returns ctx carrying caller, the identity the store's permission
// rules (guard.go) and the change log read; a nil caller keeps ctx's own.
func As(ctx context.Context, caller *wsgate.Caller) context.Context {
	if caller == nil {
		return ctx
	}
	return wsgate.WithCaller(ctx, caller)
}
