package services

import (
	"wsgate/admin/crud"
	store "wsgate/services"
)

// notifier names the events service_created|edited|deleted, routed on
// config.services.created|edited|deleted.
func notifier() crud.Notifier[store.Service] {
	return crud.Events[store.Service]{Noun: noun, Body: func(s *store.Service) map[string]any {
		return map[string]any{"id": s.ID, "name": s.Name, "shortname": s.Shortname, "enabled": s.Enabled,
			"component": s.Component}
	}}
}
