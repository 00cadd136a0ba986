package serviceusers

import "wsgate/admin/crud"

// notifier names the events service_user_associated|dissociated, routed on
// config.services.users.associated|dissociated.
func notifier() crud.AssociationNotifier[link] {
	return crud.Links[link]{Left: left, Right: right, Body: func(l *link) map[string]any {
		return map[string]any{"service_id": l.Service.ID, "user_id": l.User.ID}
	}}
}
