package servicefunctions

import (
	"context"

	"wsgate/admin/crud"
)

// validator holds the rules of a service's functions.
func validator() crud.ValidationAssociation[link, Dao] {
	return crud.ValidationAssociation[link, Dao]{
		Common:      []crud.AssociationValidator[link, Dao]{customService},
		Association: []crud.AssociationValidator[link, Dao]{installed, notDeprecated},
	}
}

// customService: only a custom service's functions change here; a
// component service's come from its manifest.
func customService(_ context.Context, _ Dao, l *link) error {
	if l.Service.Component == "" {
		return nil
	}
	return crud.NotPermitted("The functions of a component service come from its manifest and cannot change",
		crud.Fields{"component": l.Service.Component})
}

// installed: only an installed function is added to a service.
func installed(_ context.Context, _ Dao, l *link) error {
	if !l.missing {
		return nil
	}
	return crud.NotFound("Function", "name", l.Function.Name)
}

// notDeprecated: a deprecated function is not added to a service.
func notDeprecated(_ context.Context, _ Dao, l *link) error {
	if !l.Function.Deprecated {
		return nil
	}
	return crud.NotPermitted("A deprecated function cannot be added to a service",
		crud.Fields{"name": "is deprecated"})
}
