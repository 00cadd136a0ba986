package tokens

import (
	"context"
	"time"

	"wsgate/admin/crud"
	"wsgate/services"
)

// validator holds the rules of a new token.
func validator(now func() time.Time) crud.ValidationGroup[token, Dao] {
	return crud.ValidationGroup[token, Dao]{
		Create: []crud.Validator[token, Dao]{validFields(now), userUsable, serviceExists},
	}
}

// validFields: user_id and service_id are required; iprestriction is a
// list of addresses, ranges and subnets; validuntil is 0 (never expires) or
// in the future; name at most 100 characters.
func validFields(now func() time.Time) crud.Validator[token, Dao] {
	return func(_ context.Context, _ Dao, _, t *token) error {
		f := crud.Fields{}
		if t.UserID <= 0 {
			f["user_id"] = "is required"
		}
		if t.ServiceID <= 0 {
			f["service_id"] = "is required"
		}
		if err := services.ValidateIPRestriction(t.IPRestriction); err != nil {
			f["iprestriction"] = "is not a list of IP addresses, ranges and subnets"
		}
		if t.ValidUntil < 0 || t.ValidUntil != 0 && t.ValidUntil <= now().Unix() {
			f["validuntil"] = "must be 0 or a time in the future (unix seconds)"
		}
		f.Text("name", t.Name, false, 100, nil, "")
		return f.Err()
	}
}

// userUsable: the user exists and is not deleted.
func userUsable(ctx context.Context, d Dao, _, t *token) error {
	if t.UserID <= 0 {
		return nil
	}
	u, err := d.User(ctx, t.UserID)
	if crud.IsNotFound(err) || err == nil && u.Deleted {
		return crud.InvalidField("user_id", "is not the id of a user")
	}
	return err
}

// serviceExists: the service exists.
func serviceExists(ctx context.Context, d Dao, _, t *token) error {
	if t.ServiceID <= 0 {
		return nil
	}
	_, err := d.Service(ctx, t.ServiceID)
	if crud.IsNotFound(err) {
		return crud.InvalidField("service_id", "is not the id of a service")
	}
	return err
}
