package tokens

import "wsgate/admin/crud"

// notifier names the events token_created|deleted, routed on
// config.tokens.created|deleted; the body never carries the token.
func notifier() crud.Notifier[token] {
	return crud.Events[token]{Noun: noun, Body: func(t *token) map[string]any {
		return map[string]any{"id": t.ID, "user_id": t.UserID, "service_id": t.ServiceID}
	}}
}
