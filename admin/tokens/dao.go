package tokens

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// dao keeps tokens in the services store. Tokens are not edited.
type dao struct{}

func (dao) List(ctx context.Context, st *services.Store) ([]token, error) {
	list, err := st.ListTokens(ctx)
	out := make([]token, len(list))
	for i, t := range list {
		out[i] = token{Token: t}
	}
	return out, err
}

func (dao) Get(ctx context.Context, st *services.Store, id string) (token, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return token{}, err
	}
	t, err := st.TokenByID(ctx, n)
	return token{Token: t}, err
}

// Create makes the token, recording the administrator who asked as its creator.
func (dao) Create(ctx context.Context, tx *crud.Tx, t *token) (err error) {
	spec := services.TokenSpec{UserID: t.UserID, ServiceID: t.ServiceID, IPRestriction: t.IPRestriction,
		ValidUntil: t.ValidUntil, Name: t.Name, ReadOnly: t.ReadOnly}
	if c := wsgate.CallerFrom(ctx); c != nil {
		spec.CreatorID = c.UserID
	}
	t.Value, t.Token, err = tx.CreateToken(ctx, spec)
	return err
}

func (dao) Edit(context.Context, *crud.Tx, *token, *token) error {
	return wsgate.ErrCoding.WithDebug("tokens are not edited")
}

func (dao) Delete(ctx context.Context, tx *crud.Tx, t *token) error {
	return tx.DeleteToken(ctx, t.ID)
}
