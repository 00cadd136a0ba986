package users

import (
	"context"
	"database/sql"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Dao is what the users service and its rules keep and find users with;
// deleted users are not found.
type Dao interface {
	crud.Dao[user]
	// ByUsername returns the user with username; none is wsgate.ErrNotFound.
	ByUsername(ctx context.Context, username string) (services.User, error)
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *services.Store) Dao { return storeDao{st} }

// storeDao keeps users in the services store.
type storeDao struct{ st *services.Store }

// table is where lists of users are paged, in SQL.
var table = crud.Table{Select: `id, username, firstname, lastname, email, auth, suspended, deleted, timecreated,
	timemodified, logingen`, From: "users", Where: "deleted = FALSE", Key: "id"}

// columns are the filters and orders of the list; ?search= looks into the
// username, the names and the email.
var columns = crud.Columns[user]{
	Columns: map[string]crud.Column[user]{
		"id":           crud.Int(func(u *user) int64 { return u.ID }).SQL("id"),
		"username":     crud.String(func(u *user) string { return u.Username }).SQL("username"),
		"firstname":    crud.String(func(u *user) string { return u.FirstName }).SQL("firstname"),
		"lastname":     crud.String(func(u *user) string { return u.LastName }).SQL("lastname"),
		"email":        crud.String(func(u *user) string { return u.Email }).SQL("email"),
		"auth":         crud.String(func(u *user) string { return u.Auth }).SQL("auth"),
		"suspended":    crud.Bool(func(u *user) bool { return u.Suspended }).SQL("suspended"),
		"timecreated":  crud.Int(func(u *user) int64 { return u.TimeCreated }).SQL("timecreated"),
		"timemodified": crud.Int(func(u *user) int64 { return u.TimeModified }).SQL("timemodified"),
	},
	Search:  []string{"username", "firstname", "lastname", "email"},
	Default: "id",
}

// List pages the users in SQL, on the read pool.
func (d storeDao) List(ctx context.Context, p crud.ListParams) (crud.Page[user], error) {
	return crud.ListSQL(ctx, d.st.DB().Read, table, columns, p, func(r *sql.Rows) (user, error) {
		var u user
		err := r.Scan(&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.Auth, &u.Suspended, &u.Deleted,
			&u.TimeCreated, &u.TimeModified, &u.LoginGen)
		return u, err
	})
}

func (d storeDao) Get(ctx context.Context, id string) (user, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return user{}, err
	}
	u, err := d.st.UserByID(ctx, n)
	if err == nil && u.Deleted {
		err = wsgate.ErrNotFound
	}
	return user{User: u}, err
}

func (d storeDao) ByUsername(ctx context.Context, username string) (services.User, error) {
	return d.st.UserByUsername(ctx, username)
}

func (d storeDao) Create(ctx context.Context, u *user) (err error) {
	password := ""
	if u.Password != nil {
		password = *u.Password
	}
	u.User, err = d.st.CreateUser(ctx, u.User, password)
	return err
}

func (d storeDao) Edit(ctx context.Context, _, u *user) (err error) {
	if u.User, err = d.st.UpdateUser(ctx, u.User); err != nil {
		return err
	}
	if u.Password != nil {
		return d.st.SetPassword(ctx, u.ID, *u.Password)
	}
	return nil
}

func (d storeDao) Delete(ctx context.Context, u *user) error {
	return d.st.DeleteUser(ctx, u.ID)
}
