package roles

import (
	"context"
	"errors"
	"slices"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// validator holds the rules of roles; field rules look only at the fields
// a change sets.
func validator() crud.ValidationGroup[services.Role, Dao] {
	return crud.ValidationGroup[services.Role, Dao]{
		Common: []crud.Validator[services.Role, Dao]{validFields, knownCapabilities, uniqueShortname},
		Edit:   []crud.Validator[services.Role, Dao]{adminRoleFixed},
		Delete: []crud.Validator[services.Role, Dao]{notAdminRole},
	}
}

// validFields: shortname is required, at most 100 characters of
// PARAM_ALPHANUMEXT; name at most 255 characters; each capability at most 255.
func validFields(_ context.Context, _ Dao, old, r *services.Role) error {
	f := crud.Fields{}
	if old == nil || old.Shortname != r.Shortname {
		f.Text("shortname", r.Shortname, true, 100, crud.AlphaNumExt, "letters, digits, _ and -")
	}
	if old == nil || old.Name != r.Name {
		f.Text("name", r.Name, false, 255, nil, "")
	}
	if old == nil || !slices.Equal(old.Capabilities, r.Capabilities) {
		for _, c := range r.Capabilities {
			if f.Text("capabilities", c, true, 255, nil, ""); f["capabilities"] != "" {
				f["capabilities"] = "each capability " + f["capabilities"]
				break
			}
		}
	}
	return f.Err()
}

// knownCapabilities: every capability a change adds is registered.
func knownCapabilities(ctx context.Context, d Dao, old, r *services.Role) error {
	for _, c := range r.Capabilities {
		if c == "" || old != nil && slices.Contains(old.Capabilities, c) {
			continue
		}
		ok, err := d.CapabilityExists(ctx, c)
		if err != nil {
			return err
		}
		if !ok {
			return crud.InvalidField("capabilities", c+" is not a registered capability")
		}
	}
	return nil
}

// uniqueShortname: no other role has the shortname.
func uniqueShortname(ctx context.Context, d Dao, old, r *services.Role) error {
	if old != nil && old.Shortname == r.Shortname || r.Shortname == "" {
		return nil
	}
	other, err := d.ByShortname(ctx, r.Shortname)
	switch {
	case errors.Is(err, wsgate.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID == r.ID:
		return nil
	}
	return crud.Exists("Role", "shortname", r.Shortname)
}

// adminRoleFixed: the admin role keeps its shortname and lists no
// capability (it holds them all).
func adminRoleFixed(_ context.Context, _ Dao, old, r *services.Role) error {
	if old.Shortname != services.AdminRole {
		return nil
	}
	f := crud.Fields{}
	if r.Shortname != old.Shortname {
		f["shortname"] = "cannot change on the " + services.AdminRole + " role"
	}
	if len(r.Capabilities) > 0 {
		f["capabilities"] = "the " + services.AdminRole + " role holds every capability and lists none"
	}
	if len(f) == 0 {
		return nil
	}
	return crud.NotPermitted("The built-in "+services.AdminRole+" role keeps its shortname and lists no capability", f)
}

// notAdminRole: the admin role cannot be deleted.
func notAdminRole(_ context.Context, _ Dao, old, _ *services.Role) error {
	if old.Shortname != services.AdminRole {
		return nil
	}
	return crud.NotPermitted("The built-in "+services.AdminRole+" role cannot be deleted", nil)
}
