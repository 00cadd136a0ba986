package crud

import (
	"context"
	"strconv"

	"wsgate"
)

// Typed is the typed service of a resource known by an int64 id and changed
// through an input In, over the one CRUDService: a plugin whose service has
// nothing of its own embeds it for Create, Edit, Delete, Get and List.
type Typed[T any, D Dao[T], In any] struct {
	CRUD    *CRUDService[T, D]
	Apply   func(m *T, in In) // writes in over m
	InputOf func(m *T) In     // the input that leaves m as it is
}

// Create makes a resource from in and returns it as stored.
func (s *Typed[T, D, In]) Create(ctx context.Context, caller *wsgate.Caller, in In) (T, error) {
	return s.CRUD.Create(ctx, caller, func(m *T) error { s.Apply(m, in); return nil })
}

// Edit changes resource id: edit writes the change over the stored fields.
func (s *Typed[T, D, In]) Edit(ctx context.Context, caller *wsgate.Caller, id int64, edit func(in *In)) error {
	return s.CRUD.Edit(ctx, caller, strconv.FormatInt(id, 10), func(m *T) error {
		in := s.InputOf(m)
		edit(&in)
		s.Apply(m, in)
		return nil
	})
}

// Delete deletes resource id.
func (s *Typed[T, D, In]) Delete(ctx context.Context, caller *wsgate.Caller, id int64) error {
	return s.CRUD.Delete(ctx, caller, strconv.FormatInt(id, 10))
}

// Get returns resource id.
func (s *Typed[T, D, In]) Get(ctx context.Context, caller *wsgate.Caller, id int64) (T, error) {
	return s.CRUD.Get(ctx, caller, strconv.FormatInt(id, 10))
}

// List returns the page of resources p selects.
func (s *Typed[T, D, In]) List(ctx context.Context, caller *wsgate.Caller, p ListParams) (Page[T], error) {
	return s.CRUD.List(ctx, caller, p)
}

// Bind decodes a request body over the input of m (the stored resource on
// edit, the zero one on create) and applies it: the Bind of its Resource.
func (s *Typed[T, D, In]) Bind(m *T, decode func(any) error) error {
	in := s.InputOf(m)
	if err := decode(&in); err != nil {
		return err
	}
	s.Apply(m, in)
	return nil
}

// MapPage is p with each item made by f: a service's page of what its
// callers see (a user without its password) from the page it stores.
func MapPage[T, U any](p Page[T], f func(*T) U) Page[U] {
	out := Page[U]{Total: p.Total, Filtered: p.Filtered, Scanned: p.Scanned, Items: make([]U, len(p.Items))}
	for i := range p.Items {
		out.Items[i] = f(&p.Items[i])
	}
	return out
}
