package services

import (
	"context"
	"errors"
	"strings"

	"wsgate"
	"wsgate/admin/crud"
	store "wsgate/services"
)

// AdminService is the shortname of the service whose tokens use the admin
// API; it cannot be disabled through that API.
const AdminService = "wsgate_admin"

// validator holds the rules of services. Field rules look only at the
// fields a change sets, so a component service whose manifest breaks them
// can still be enabled.
func validator() crud.ValidationGroup[store.Service, Dao] {
	return crud.ValidationGroup[store.Service, Dao]{
		Common: []crud.Validator[store.Service, Dao]{validFields, knownCapability, uniqueName, uniqueShortname},
		Edit:   []crud.Validator[store.Service, Dao]{componentFieldsFixed, adminServiceStaysEnabled},
		Delete: []crud.Validator[store.Service, Dao]{customOnly},
	}
}

// validFields: name is required, at most 200 characters; shortname at most
// 255 of PARAM_ALPHANUMEXT; requiredcapability at most 255.
func validFields(_ context.Context, _ Dao, old, s *store.Service) error {
	f := crud.Fields{}
	if old == nil || old.Name != s.Name {
		f.Text("name", s.Name, true, 200, nil, "")
	}
	if old == nil || old.Shortname != s.Shortname {
		f.Text("shortname", s.Shortname, false, 255, crud.AlphaNumExt, "letters, digits, _ and -")
	}
	if old == nil || old.RequiredCapability != s.RequiredCapability {
		f.Text("requiredcapability", s.RequiredCapability, false, 255, nil, "")
	}
	if err := store.ValidateProtocols(s.Protocols); err != nil {
		f["protocols"] = "must list protocols among " + strings.Join(store.Protocols, ", ")
	}
	return f.Err()
}

// knownCapability: a required capability must be registered.
func knownCapability(ctx context.Context, d Dao, old, s *store.Service) error {
	if s.RequiredCapability == "" || old != nil && old.RequiredCapability == s.RequiredCapability {
		return nil
	}
	ok, err := d.CapabilityExists(ctx, s.RequiredCapability)
	if err != nil || ok {
		return err
	}
	return crud.InvalidField("requiredcapability", "is not a registered capability")
}

// uniqueName: no other service has the name.
func uniqueName(ctx context.Context, d Dao, old, s *store.Service) error {
	if old != nil && old.Name == s.Name || s.Name == "" {
		return nil
	}
	other, err := d.ByName(ctx, s.Name)
	return taken(other, err, s, "name", s.Name)
}

// uniqueShortname: no other service has the shortname.
func uniqueShortname(ctx context.Context, d Dao, old, s *store.Service) error {
	if old != nil && old.Shortname == s.Shortname || s.Shortname == "" {
		return nil
	}
	other, err := d.ByShortname(ctx, s.Shortname)
	return taken(other, err, s, "shortname", s.Shortname)
}

// taken turns the lookup of another service by a unique field into the rule's answer.
func taken(other store.Service, err error, s *store.Service, field, value string) error {
	switch {
	case errors.Is(err, wsgate.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID == s.ID:
		return nil
	}
	return crud.Exists("Service", field, value)
}

// componentFieldsFixed: of a component service only enabled, downloadfiles,
// uploadfiles and protocols change; its manifest owns the rest.
func componentFieldsFixed(_ context.Context, _ Dao, old, s *store.Service) error {
	if old.Component == "" {
		return nil
	}
	f := crud.Fields{}
	const fixed = "cannot change on a component service"
	if old.Name != s.Name {
		f["name"] = fixed
	}
	if old.Shortname != s.Shortname {
		f["shortname"] = fixed
	}
	if old.RequiredCapability != s.RequiredCapability {
		f["requiredcapability"] = fixed
	}
	if old.RestrictedUsers != s.RestrictedUsers {
		f["restrictedusers"] = fixed
	}
	if len(f) == 0 {
		return nil
	}
	return crud.NotPermitted("Only enabled, downloadfiles, uploadfiles and protocols of a component service can change", f)
}

// adminServiceStaysEnabled: the service of the admin API's own tokens
// cannot be disabled through it (that would lock every administrator out;
// the command line can still do it).
func adminServiceStaysEnabled(_ context.Context, _ Dao, old, s *store.Service) error {
	if old.Shortname != AdminService || s.Enabled || !old.Enabled {
		return nil
	}
	return crud.NotPermitted("The "+AdminService+" service cannot be disabled through the admin API",
		crud.Fields{"enabled": "cannot be false for " + AdminService})
}

// customOnly: only custom services can be deleted; a component service
// comes back at the next upgrade.
func customOnly(_ context.Context, _ Dao, old, _ *store.Service) error {
	if old.Component == "" {
		return nil
	}
	return crud.NotPermitted("A component service cannot be deleted", crud.Fields{"component": old.Component})
}
