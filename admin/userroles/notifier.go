package userroles

import "wsgate/admin/crud"

// notifier names the events user_role_associated|dissociated, routed on
// config.users.roles.associated|dissociated.
func notifier() crud.AssociationNotifier[link] {
	return crud.Links[link]{Left: left, Right: right, Body: func(l *link) map[string]any {
		return map[string]any{"user_id": l.User.ID, "role_id": l.Role.ID}
	}}
}
