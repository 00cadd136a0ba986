package tokens

import (
	"context"
	"database/sql"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Dao is what the tokens service and its rules keep and find tokens with.
type Dao interface {
	crud.Dao[token]
	// User and Service return the token's ends; none is a NotFound error.
	User(ctx context.Context, id int64) (services.User, error)
	Service(ctx context.Context, id int64) (services.Service, error)
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *services.Store) Dao { return storeDao{st} }

// storeDao keeps tokens in the services store. Tokens are not edited.
type storeDao struct{ st *services.Store }

// columns are the filters and orders of the list; ?search= looks into the
// name and the IP restriction. A NULL column reads as "" or 0, as the
// store's tokens do.
var columns = crud.Columns[token]{
	Columns: map[string]crud.Column[token]{
		"id":            crud.Int(func(t *token) int64 { return t.ID }).SQL("id"),
		"user_id":       crud.Int(func(t *token) int64 { return t.UserID }).SQL("userid"),
		"service_id":    crud.Int(func(t *token) int64 { return t.ServiceID }).SQL("externalserviceid"),
		"name":          crud.String(func(t *token) string { return t.Name }).SQL("name"),
		"iprestriction": crud.String(func(t *token) string { return t.IPRestriction }).SQL("COALESCE(iprestriction, '')"),
		"validuntil":    crud.Int(func(t *token) int64 { return t.ValidUntil }).SQL("COALESCE(validuntil, 0)"),
		"timecreated":   crud.Int(func(t *token) int64 { return t.TimeCreated }).SQL("timecreated"),
		"lastaccess":    crud.Int(func(t *token) int64 { return t.LastAccess }).SQL("COALESCE(lastaccess, 0)"),
		"readonly":      crud.Bool(func(t *token) bool { return t.ReadOnly }).SQL("readonly"),
		"lastaccess_ip": crud.String(func(t *token) string { return t.LastAccessIP }).SQL("COALESCE(lastaccessip, '')"),
		"creator_id":    crud.Int(func(t *token) int64 { return t.CreatorID }).SQL("COALESCE(creatorid, 0)"),
	},
	Search:  []string{"name", "iprestriction"},
	Default: "id",
}

// table is where lists of tokens are paged, in SQL (a site may have one
// token per user and more).
var table = crud.Table{Select: `id, userid, externalserviceid, COALESCE(creatorid, 0), COALESCE(iprestriction, ''),
	COALESCE(validuntil, 0), timecreated, COALESCE(lastaccess, 0), name, readonly, COALESCE(lastaccessip, '')`,
	From: "external_tokens", Key: "id"}

// List pages the tokens in SQL, on the read pool.
func (d storeDao) List(ctx context.Context, p crud.ListParams) (crud.Page[token], error) {
	return crud.ListSQL(ctx, d.st.DB().Read, table, columns, p, func(r *sql.Rows) (token, error) {
		var t token
		err := r.Scan(&t.ID, &t.UserID, &t.ServiceID, &t.CreatorID, &t.IPRestriction, &t.ValidUntil, &t.TimeCreated,
			&t.LastAccess, &t.Name, &t.ReadOnly, &t.LastAccessIP)
		return t, err
	})
}

func (d storeDao) Get(ctx context.Context, id string) (token, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return token{}, err
	}
	t, err := d.st.TokenByID(ctx, n)
	return token{Token: t}, err
}

func (d storeDao) User(ctx context.Context, id int64) (services.User, error) {
	return d.st.UserByID(ctx, id)
}

func (d storeDao) Service(ctx context.Context, id int64) (services.Service, error) {
	return d.st.ServiceByID(ctx, id)
}

// Create makes the token, recording the caller who asked as its creator.
func (d storeDao) Create(ctx context.Context, t *token) (err error) {
	spec := services.TokenSpec{UserID: t.UserID, ServiceID: t.ServiceID, IPRestriction: t.IPRestriction,
		ValidUntil: t.ValidUntil, Name: t.Name, ReadOnly: t.ReadOnly}
	if c := wsgate.CallerFrom(ctx); c != nil {
		spec.CreatorID = c.UserID
	}
	t.Value, t.Token, err = d.st.CreateToken(ctx, spec)
	return err
}

func (storeDao) Edit(context.Context, *token, *token) error {
	return wsgate.ErrCoding.WithDebug("tokens are not edited")
}

func (d storeDao) Delete(ctx context.Context, t *token) error {
	return d.st.DeleteToken(ctx, t.ID)
}
