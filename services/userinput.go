package services

// UserInput is what a change of a user sets through the admin users
// service (admin/users), the one way pages, the command line, the admin API
// and the core_user functions change users: the fields of a new user, or
// the stored ones an edit writes over. It lives here so that packages
// that may not import admin (components) can name it.
type UserInput struct {
	Username  string
	FirstName string
	LastName  string
	Email     string
	Auth      string // AuthManual or AuthNoLogin
	Suspended bool
	// Password is the password to set, nil for none; "" removes password
	// login.
	Password *string
}
