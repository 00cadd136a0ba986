// Package crudtest helps test a plugin's rules without a database: Memory
// is an in-memory crud.Dao that a plugin's fake of its dao interface
// embeds, and Outcome sums up what a rule answered, for tables.
package crudtest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"

	"wsgate"
	"wsgate/admin/crud"
)

// Memory is an in-memory crud.Dao: Items, known by Key.
type Memory[T any] struct {
	Key   func(m *T) string
	Items []T
}

// List returns every item, whatever p asks (the rules never list).
func (m *Memory[T]) List(_ context.Context, _ crud.ListParams) (crud.Page[T], error) {
	n := len(m.Items)
	return crud.Page[T]{Total: n, Filtered: n, Scanned: n, Items: slices.Clone(m.Items)}, nil
}

// Get returns the item of key id; none is wsgate.ErrNotFound.
func (m *Memory[T]) Get(_ context.Context, id string) (T, error) {
	if i := m.index(id); i >= 0 {
		return m.Items[i], nil
	}
	var zero T
	return zero, wsgate.ErrNotFound
}

// Create adds v.
func (m *Memory[T]) Create(_ context.Context, v *T) error {
	m.Items = append(m.Items, *v)
	return nil
}

// Edit replaces old by v.
func (m *Memory[T]) Edit(_ context.Context, old, v *T) error {
	if i := m.index(m.Key(old)); i >= 0 {
		m.Items[i] = *v
		return nil
	}
	return wsgate.ErrNotFound
}

// Delete removes v.
func (m *Memory[T]) Delete(_ context.Context, v *T) error {
	if i := m.index(m.Key(v)); i >= 0 {
		m.Items = slices.Delete(m.Items, i, i+1)
		return nil
	}
	return wsgate.ErrNotFound
}

func (m *Memory[T]) index(key string) int {
	return slices.IndexFunc(m.Items, func(v T) bool { return m.Key(&v) == key })
}

// Outcome sums up err for a table: "" for nil, else the error_id of a
// problem and the sorted fields its details name, "invalid-data: email
// username"; another error gives its message.
func Outcome(err error) string {
	if err == nil {
		return ""
	}
	var p *crud.Problem
	if !errors.As(err, &p) {
		return err.Error()
	}
	var fields []string
	for k := range p.ErrorDetails() {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	return strings.TrimSpace(p.ErrorID() + ": " + strings.Join(fields, " "))
}

// Links is an in-memory crud.AssociationDao: Load answers what Ends
// returns; the links made are kept in Made, by Key.
type Links[A any] struct {
	Ends func(left, right string) (A, error)
	Key  func(a *A) string
	Made map[string]A
}

// Load returns the association of left and right, as Ends gives it.
func (l *Links[A]) Load(_ context.Context, left, right string) (A, error) { return l.Ends(left, right) }

// Linked reports whether a's ends are linked and with a's attributes.
func (l *Links[A]) Linked(_ context.Context, a *A) (bool, bool, error) {
	got, ok := l.Made[l.Key(a)]
	return ok, ok && reflect.DeepEqual(got, *a), nil
}

// Associate keeps a.
func (l *Links[A]) Associate(_ context.Context, a *A) error {
	if l.Made == nil {
		l.Made = map[string]A{}
	}
	l.Made[l.Key(a)] = *a
	return nil
}

// Dissociate forgets a.
func (l *Links[A]) Dissociate(_ context.Context, a *A) error {
	delete(l.Made, l.Key(a))
	return nil
}
