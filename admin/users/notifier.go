package users

import "wsgate/admin/crud"

// notifier names the events user_created|edited|deleted, routed on
// config.users.created|edited|deleted; the body never carries the password.
func notifier() crud.Notifier[user] {
	return crud.Events[user]{Noun: noun, Body: func(u *user) map[string]any {
		return map[string]any{"id": u.ID, "username": u.Username}
	}}
}
