package roles

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// notifier names the events role_created|edited|deleted, routed on
// config.roles.created|edited|deleted.
func notifier() crud.Notifier[services.Role] {
	return crud.Events[services.Role]{Noun: noun, Body: func(r *services.Role) map[string]any {
		return map[string]any{"id": r.ID, "shortname": r.Shortname}
	}}
}
