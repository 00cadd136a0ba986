package crud

import (
	"context"

	"wsgate/internal/bus"
	"wsgate/services"
)

// AssociationDao links resources of two kinds. A is one association: both
// ends, loaded, and the attributes of the link (none, or iprestriction and
// validuntil for the users of a service).
type AssociationDao[A any] interface {
	// Load returns the association of the left and right ids with both ends
	// loaded and default attributes; an unknown end is a NotFound error.
	Load(ctx context.Context, st *services.Store, left, right string) (A, error)
	// Linked reports whether the ends of a are associated and, if so,
	// whether with the attributes of a.
	Linked(ctx context.Context, st *services.Store, a *A) (linked, same bool, err error)
	// Associate stores a, or changes the attributes of the link.
	Associate(ctx context.Context, tx *Tx, a *A) error
	// Dissociate removes the link.
	Dissociate(ctx context.Context, tx *Tx, a *A) error
}

// AssociationValidator is one rule of an association; it returns errors as
// a Validator does.
type AssociationValidator[A any] func(ctx context.Context, st *services.Store, a *A) error

// ValidationAssociation holds an association's rules by operation: Common
// runs before the rules of each of Association and Dissociation.
type ValidationAssociation[A any] struct {
	Common, Association, Dissociation []AssociationValidator[A]
}

func asValidators[A any](vs []AssociationValidator[A]) []Validator[A] {
	out := make([]Validator[A], len(vs))
	for i, v := range vs {
		out[i] = func(ctx context.Context, st *services.Store, _, a *A) error { return v(ctx, st, a) }
	}
	return out
}

// AssociationNotifier gives the event of each change of an association.
type AssociationNotifier[A any] interface {
	Associated(a *A) bus.Event
	Dissociated(a *A) bus.Event
}

// Links is the AssociationNotifier that names events as wazo-bus does:
// <left.One>_<right.One>_associated|dissociated on
// config.<left.Many>.<right.Many>.associated|dissociated.
type Links[A any] struct {
	Left, Right Noun
	Body        func(a *A) map[string]any
}

func (l Links[A]) event(action string, a *A) bus.Event {
	return bus.Event{Name: l.Left.One + "_" + l.Right.One + "_" + action,
		RoutingKey: "config." + l.Left.Many + "." + l.Right.Many + "." + action, Body: l.Body(a)}
}

// Associated is the event of a's creation or change.
func (l Links[A]) Associated(a *A) bus.Event { return l.event("associated", a) }

// Dissociated is the event of a's removal.
func (l Links[A]) Dissociated(a *A) bus.Event { return l.event("dissociated", a) }

// AssociationService associates and dissociates resources, idempotently:
// associating what is already associated in the same way, or dissociating
// what is not associated, changes nothing and sends no event. Each change is
// one transaction, as CRUDService's.
type AssociationService[A any] struct {
	Changes   *Changes
	Dao       AssociationDao[A]
	Validator ValidationAssociation[A]
	Notifier  AssociationNotifier[A]
}

// Associate links left and right with the attributes bind sets (from the
// request body), or changes the attributes of their link.
func (s *AssociationService[A]) Associate(ctx context.Context, left, right string, bind func(*A) error) error {
	return s.Changes.Do(ctx, func(tx *Tx) error {
		a, err := s.Dao.Load(ctx, tx.Store, left, right)
		if err != nil {
			return err
		}
		if err := bind(&a); err != nil {
			return err
		}
		if err := validate(ctx, tx.Store, nil, &a, asValidators(s.Validator.Common),
			asValidators(s.Validator.Association)); err != nil {
			return err
		}
		if _, same, err := s.Dao.Linked(ctx, tx.Store, &a); err != nil || same {
			return err
		}
		if err := s.Dao.Associate(ctx, tx, &a); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Associated(&a))
	})
}

// Dissociate unlinks left and right.
func (s *AssociationService[A]) Dissociate(ctx context.Context, left, right string) error {
	return s.Changes.Do(ctx, func(tx *Tx) error {
		a, err := s.Dao.Load(ctx, tx.Store, left, right)
		if err != nil {
			return err
		}
		if err := validate(ctx, tx.Store, nil, &a, asValidators(s.Validator.Common),
			asValidators(s.Validator.Dissociation)); err != nil {
			return err
		}
		if linked, _, err := s.Dao.Linked(ctx, tx.Store, &a); err != nil || !linked {
			return err
		}
		if err := s.Dao.Dissociate(ctx, tx, &a); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Dissociated(&a))
	})
}
