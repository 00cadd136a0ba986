package crud

import (
	"context"
	"reflect"

	"wsgate"
	"wsgate/services"
)

// CRUDService creates, edits and deletes resources of one kind, each change
// in one transaction: validate, persist, write the event to the outbox,
// commit; then the relay is woken. Whoever changes a resource (the REST
// API, the pages, the command line, a web service function) goes through
// it, so every change passes the same rules and sends the same event. The
// caller of each method is the identity the store's permission rules see.
type CRUDService[T any, D Dao[T]] struct {
	Noun    Noun
	Changes *Changes
	// Dao returns the plugin's dao over st: the store, or the store bound
	// to a change's transaction.
	Dao       func(st *services.Store) D
	Validator ValidationGroup[T, D]
	Notifier  Notifier[T]
}

// List returns the page of resources p selects.
func (s *CRUDService[T, D]) List(ctx context.Context, caller *wsgate.Caller, p ListParams) (Page[T], error) {
	return s.Dao(s.Changes.Store).List(As(ctx, caller), p)
}

// Get returns the resource with id.
func (s *CRUDService[T, D]) Get(ctx context.Context, caller *wsgate.Caller, id string) (T, error) {
	return get[T](As(ctx, caller), s.Dao(s.Changes.Store), s.Noun, id)
}

// Create makes a resource from bind, which fills in the zero T (from the
// request body or a typed input), and returns it as stored.
func (s *CRUDService[T, D]) Create(ctx context.Context, caller *wsgate.Caller, bind func(*T) error) (T, error) {
	out, err := s.CreateAll(ctx, caller, []func(*T) error{bind})
	if err != nil {
		var zero T
		return zero, err
	}
	return out[0], nil
}

// CreateAll makes one resource from each bind, all in one transaction:
// either every one is created or none is.
func (s *CRUDService[T, D]) CreateAll(ctx context.Context, caller *wsgate.Caller, binds []func(*T) error) ([]T, error) {
	ctx = As(ctx, caller)
	var out []T
	err := s.Changes.Do(ctx, func(tx *Tx) error {
		out = make([]T, 0, len(binds))
		d := s.Dao(tx.Store)
		for _, bind := range binds {
			var m T
			if err := bind(&m); err != nil {
				return err
			}
			if err := Check(ctx, d, nil, &m, s.Validator.Common, s.Validator.Create); err != nil {
				return err
			}
			if err := d.Create(ctx, &m); err != nil {
				return err
			}
			if err := tx.Emit(ctx, s.Notifier.Created(&m)); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// Edit changes resource id with bind, which writes the request body (or a
// typed input) over the stored version. An edit that changes nothing
// writes nothing and sends no event.
func (s *CRUDService[T, D]) Edit(ctx context.Context, caller *wsgate.Caller, id string, bind func(*T) error) error {
	ctx = As(ctx, caller)
	return s.Changes.Do(ctx, func(tx *Tx) error {
		d := s.Dao(tx.Store)
		old, err := get[T](ctx, d, s.Noun, id)
		if err != nil {
			return err
		}
		m, err := get[T](ctx, d, s.Noun, id) // a copy that shares nothing with old
		if err != nil {
			return err
		}
		if err := bind(&m); err != nil {
			return err
		}
		if reflect.DeepEqual(old, m) {
			return nil
		}
		if err := Check(ctx, d, &old, &m, s.Validator.Common, s.Validator.Edit); err != nil {
			return err
		}
		if err := d.Edit(ctx, &old, &m); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Edited(&m))
	})
}

// Delete removes resource id.
func (s *CRUDService[T, D]) Delete(ctx context.Context, caller *wsgate.Caller, id string) error {
	return s.DeleteAll(ctx, caller, []string{id})
}

// DeleteAll removes the resources of ids, all in one transaction: either
// every one is deleted or none is.
func (s *CRUDService[T, D]) DeleteAll(ctx context.Context, caller *wsgate.Caller, ids []string) error {
	ctx = As(ctx, caller)
	return s.Changes.Do(ctx, func(tx *Tx) error {
		d := s.Dao(tx.Store)
		for _, id := range ids {
			m, err := get[T](ctx, d, s.Noun, id)
			if err != nil {
				return err
			}
			if err := Check(ctx, d, &m, &m, s.Validator.Common, s.Validator.Delete); err != nil {
				return err
			}
			if err := d.Delete(ctx, &m); err != nil {
				return err
			}
			if err := tx.Emit(ctx, s.Notifier.Deleted(&m)); err != nil {
				return err
			}
		}
		return nil
	})
}
