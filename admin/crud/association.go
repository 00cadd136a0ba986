package crud

import (
	"context"

	"wsgate"
	"wsgate/internal/bus"
	"wsgate/services"
)

// AssociationDao links resources of two kinds. A is one association: both
// ends, loaded, and the attributes of the link (none, or iprestriction and
// validuntil for the users of a service). A plugin declares its own dao
// interface (in its dao.go), which embeds AssociationDao.
type AssociationDao[A any] interface {
	// Load returns the association of the left and right ids with both ends
	// loaded and default attributes; an unknown end is a NotFound error.
	Load(ctx context.Context, left, right string) (A, error)
	// Linked reports whether the ends of a are associated and, if so,
	// whether with the attributes of a.
	Linked(ctx context.Context, a *A) (linked, same bool, err error)
	// Associate stores a, or changes the attributes of the link.
	Associate(ctx context.Context, a *A) error
	// Dissociate removes the link.
	Dissociate(ctx context.Context, a *A) error
}

// AssociationValidator is one rule of an association; it returns errors as
// a Validator does.
type AssociationValidator[A, D any] func(ctx context.Context, d D, a *A) error

// ValidationAssociation holds an association's rules by operation: Common
// runs before the rules of each of Association and Dissociation.
type ValidationAssociation[A, D any] struct {
	Common, Association, Dissociation []AssociationValidator[A, D]
}

func asValidators[A, D any](vs []AssociationValidator[A, D]) []Validator[A, D] {
	out := make([]Validator[A, D], len(vs))
	for i, v := range vs {
		out[i] = func(ctx context.Context, d D, _, a *A) error { return v(ctx, d, a) }
	}
	return out
}

// CheckAssociation runs the common rules of a, then those of one
// operation, merging their field maps as Check does.
func CheckAssociation[A, D any](ctx context.Context, d D, a *A, groups ...[]AssociationValidator[A, D]) error {
	vs := make([][]Validator[A, D], len(groups))
	for i, g := range groups {
		vs[i] = asValidators(g)
	}
	return Check(ctx, d, nil, a, vs...)
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
type AssociationService[A any, D AssociationDao[A]] struct {
	Changes *Changes
	// Dao returns the plugin's dao over st (see CRUDService.Dao).
	Dao       func(st *services.Store) D
	Validator ValidationAssociation[A, D]
	Notifier  AssociationNotifier[A]
}

// Associate links left and right with the attributes bind sets (from the
// request body or a typed input), or changes the attributes of their link.
func (s *AssociationService[A, D]) Associate(ctx context.Context, caller *wsgate.Caller, left, right string,
	bind func(*A) error) error {
	ctx = As(ctx, caller)
	return s.Changes.Do(ctx, func(tx *Tx) error {
		d := s.Dao(tx.Store)
		a, err := d.Load(ctx, left, right)
		if err != nil {
			return err
		}
		if err := bind(&a); err != nil {
			return err
		}
		if err := CheckAssociation(ctx, d, &a, s.Validator.Common, s.Validator.Association); err != nil {
			return err
		}
		if _, same, err := d.Linked(ctx, &a); err != nil || same {
			return err
		}
		if err := d.Associate(ctx, &a); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Associated(&a))
	})
}

// Dissociate unlinks left and right.
func (s *AssociationService[A, D]) Dissociate(ctx context.Context, caller *wsgate.Caller, left, right string) error {
	ctx = As(ctx, caller)
	return s.Changes.Do(ctx, func(tx *Tx) error {
		d := s.Dao(tx.Store)
		a, err := d.Load(ctx, left, right)
		if err != nil {
			return err
		}
		if err := CheckAssociation(ctx, d, &a, s.Validator.Common, s.Validator.Dissociation); err != nil {
			return err
		}
		if linked, _, err := d.Linked(ctx, &a); err != nil || !linked {
			return err
		}
		if err := d.Dissociate(ctx, &a); err != nil {
			return err
		}
		return tx.Emit(ctx, s.Notifier.Dissociated(&a))
	})
}
