package serviceusers

import (
	"context"
	"time"

	"wsgate/admin/crud"
	"wsgate/services"
)

// validator holds the rules of an authorisation.
func validator(now func() time.Time) crud.ValidationAssociation[link, Dao] {
	return crud.ValidationAssociation[link, Dao]{
		Association: []crud.AssociationValidator[link, Dao]{validLimits(now)},
	}
}

// validLimits: iprestriction is a list of addresses, ranges and subnets;
// validuntil is 0 (for ever) or in the future.
func validLimits(now func() time.Time) crud.AssociationValidator[link, Dao] {
	return func(_ context.Context, _ Dao, l *link) error {
		f := crud.Fields{}
		if err := services.ValidateIPRestriction(l.IPRestriction); err != nil {
			f["iprestriction"] = "is not a list of IP addresses, ranges and subnets"
		}
		if l.ValidUntil < 0 || l.ValidUntil != 0 && l.ValidUntil <= now().Unix() {
			f["validuntil"] = "must be 0 or a time in the future (unix seconds)"
		}
		return f.Err()
	}
}
