package crud

import (
	"context"
	"reflect"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/internal/bus"
	"wsgate/services"
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

// Reader lists and finds resources. st is the services store, inside a
// change's transaction or not.
type Reader[T any] interface {
	// List returns every resource.
	List(ctx context.Context, st *services.Store) ([]T, error)
	// Get returns the resource with id; an unknown id is a NotFound error.
	Get(ctx context.Context, st *services.Store, id string) (T, error)
}

// Dao persists resources; its writes run in the transaction of tx.
type Dao[T any] interface {
	Reader[T]
	// Create stores m and fills in what the store chose (id, timestamps).
	Create(ctx context.Context, tx *Tx, m *T) error
	// Edit stores m over old, its stored version, and fills in what the
	// store chose (timemodified).
	Edit(ctx context.Context, tx *Tx, old, m *T) error
	// Delete removes m.
	Delete(ctx context.Context, tx *Tx, m *T) error
}

// Validator is one rule of a resource. m is the resource as it would be
// stored; old is its stored version on edit and delete (then old == m) and
// nil on create. A rule returns an Invalid error naming the fields it
// refuses, Exists, NotPermitted, or a store error.
type Validator[T any] func(ctx context.Context, st *services.Store, old, m *T) error

// ValidationGroup holds a resource's rules by operation: Common runs before
// the rules of each of Create, Edit and Delete.
type ValidationGroup[T any] struct {
	Common, Create, Edit, Delete []Validator[T]
}

// validate runs the common rules, then those of one operation. The Invalid
// errors of every rule are merged into one field map; any other error stops
// the run, but an Invalid one found before it wins.
func validate[T any](ctx context.Context, st *services.Store, old, m *T, groups ...[]Validator[T]) error {
	var bad Fields
	for _, g := range groups {
		for _, v := range g {
			err := v(ctx, st, old, m)
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

// CRUDService creates, edits and deletes resources of one kind, each change
// in one transaction: validate, persist, write the event to the outbox,
// commit; then the relay is woken.
type CRUDService[T any] struct {
	Noun      Noun
	Changes   *Changes
	Dao       Dao[T]
	Validator ValidationGroup[T]
	Notifier  Notifier[T]
	Columns   Columns[T]
}

// Search returns the page of resources p selects.
func (s *CRUDService[T]) Search(ctx context.Context, p ListParams) (Page[T], error) {
	return search(ctx, s.Dao, s.Changes.Store, s.Columns, p)
}

// Get returns the resource with id.
func (s *CRUDService[T]) Get(ctx context.Context, id string) (T, error) {
	return get(ctx, s.Dao, s.Changes.Store, s.Noun, id)
}

// Create makes a resource from bind, which fills in the zero T (from the
// request body), and returns it as stored.
func (s *CRUDService[T]) Create(ctx context.Context, bind func(*T) error) (T, error) {
	var m T
	if err := bind(&m); err != nil {
		return m, err
	}
	err := s.Changes.Do(ctx, func(tx *Tx) error {
		if err := validate(ctx, tx.Store, nil, &m, s.Validator.Common, s.Validator.Create); err != nil {
			return err
		}
		if err := s.Dao.Create(ctx, tx, &m); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Created(&m))
	})
	return m, err
}

// Edit changes resource id with bind, which writes the request body over
// the stored version. An edit that changes nothing writes nothing and sends
// no event.
func (s *CRUDService[T]) Edit(ctx context.Context, id string, bind func(*T) error) error {
	return s.Changes.Do(ctx, func(tx *Tx) error {
		old, err := get(ctx, s.Dao, tx.Store, s.Noun, id)
		if err != nil {
			return err
		}
		m, err := get(ctx, s.Dao, tx.Store, s.Noun, id) // a copy that shares nothing with old
		if err != nil {
			return err
		}
		if err := bind(&m); err != nil {
			return err
		}
		if reflect.DeepEqual(old, m) {
			return nil
		}
		if err := validate(ctx, tx.Store, &old, &m, s.Validator.Common, s.Validator.Edit); err != nil {
			return err
		}
		if err := s.Dao.Edit(ctx, tx, &old, &m); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Edited(&m))
	})
}

// Delete removes resource id.
func (s *CRUDService[T]) Delete(ctx context.Context, id string) error {
	return s.Changes.Do(ctx, func(tx *Tx) error {
		m, err := get(ctx, s.Dao, tx.Store, s.Noun, id)
		if err != nil {
			return err
		}
		if err := validate(ctx, tx.Store, &m, &m, s.Validator.Common, s.Validator.Delete); err != nil {
			return err
		}
		if err := s.Dao.Delete(ctx, tx, &m); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Deleted(&m))
	})
}

// ReadService lists and finds resources that the admin API does not change
// (the installed functions).
type ReadService[T any] struct {
	Noun    Noun
	Store   *services.Store
	Reader  Reader[T]
	Columns Columns[T]
}

// Search returns the page of resources p selects.
func (s *ReadService[T]) Search(ctx context.Context, p ListParams) (Page[T], error) {
	return search(ctx, s.Reader, s.Store, s.Columns, p)
}

// Get returns the resource with id.
func (s *ReadService[T]) Get(ctx context.Context, id string) (T, error) {
	return get(ctx, s.Reader, s.Store, s.Noun, id)
}

// search lists every resource of r and returns the page p selects.
func search[T any](ctx context.Context, r Reader[T], st *services.Store, cols Columns[T],
	p ListParams) (Page[T], error) {
	all, err := r.List(ctx, st)
	if err != nil {
		return Page[T]{}, err
	}
	return cols.Page(all, p)
}

// get returns resource id of r; an unknown id is NotFound(<Noun>, "id", id).
func get[T any](ctx context.Context, r Reader[T], st *services.Store, n Noun, id string) (T, error) {
	m, err := r.Get(ctx, st, id)
	return m, notFoundAs(err, n.title(), "id", id)
}

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
