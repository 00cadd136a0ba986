package tokens

import (
	"context"

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
// name and the IP restriction.
var columns = crud.Columns[token]{
	Columns: map[string]crud.Column[token]{
		"id":            crud.Int(func(t *token) int64 { return t.ID }),
		"user_id":       crud.Int(func(t *token) int64 { return t.UserID }),
		"service_id":    crud.Int(func(t *token) int64 { return t.ServiceID }),
		"name":          crud.String(func(t *token) string { return t.Name }),
		"iprestriction": crud.String(func(t *token) string { return t.IPRestriction }),
		"validuntil":    crud.Int(func(t *token) int64 { return t.ValidUntil }),
		"timecreated":   crud.Int(func(t *token) int64 { return t.TimeCreated }),
		"lastaccess":    crud.Int(func(t *token) int64 { return t.LastAccess }),
		"readonly":      crud.Bool(func(t *token) bool { return t.ReadOnly }),
		"lastaccess_ip": crud.String(func(t *token) string { return t.LastAccessIP }),
		"creator_id":    crud.Int(func(t *token) int64 { return t.CreatorID }),
	},
	Search:  []string{"name", "iprestriction"},
	Default: "id",
}

func (d storeDao) List(ctx context.Context, p crud.ListParams) (crud.Page[token], error) {
	list, err := d.st.ListTokens(ctx)
	if err != nil {
		return crud.Page[token]{}, err
	}
	all := make([]token, len(list))
	for i, t := range list {
		all[i] = token{Token: t}
	}
	return columns.Page(all, p)
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
