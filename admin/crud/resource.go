package crud

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"wsgate"
	"wsgate/admin/render"
)

// Service is what the handlers of a resource call: a *CRUDService, or a
// *ReadService for a resource the API only reads. The caller is the one
// the authentication put in the request's context.
type Service[T any] interface {
	List(ctx context.Context, caller *wsgate.Caller, p ListParams) (Page[T], error)
	Get(ctx context.Context, caller *wsgate.Caller, id string) (T, error)
}

// Editor is a Service that also changes resources.
type Editor[T any] interface {
	Service[T]
	Create(ctx context.Context, caller *wsgate.Caller, bind func(*T) error) (T, error)
	Edit(ctx context.Context, caller *wsgate.Caller, id string, bind func(*T) error) error
	Delete(ctx context.Context, caller *wsgate.Caller, id string) error
}

// Associator is what the handlers of an association call: an
// *AssociationService.
type Associator[A any] interface {
	Associate(ctx context.Context, caller *wsgate.Caller, left, right string, bind func(*A) error) error
	Dissociate(ctx context.Context, caller *wsgate.Caller, left, right string) error
}

// callerOf returns the caller the authentication put in c's request.
func callerOf(c *gin.Context) *wsgate.Caller { return wsgate.CallerFrom(c.Request.Context()) }

// Resource holds the gin handlers of one resource: List and Create on the
// collection URL (the ListResource), Get, Edit and Delete on the item URL,
// whose parameter is :id (the ItemResource). Each reads the request, calls
// the service and renders, returning early on error.
type Resource[T any] struct {
	Noun    Noun
	Service Service[T]
	Render  *render.Renderer
	// ID is the id of m in its item URL.
	ID func(m *T) string
	// View is m as the API shows it.
	View func(m *T) any
	// Summary is m as a list shows it; nil for View.
	Summary func(m *T) any
	// Bind writes the request body (through decode, which rejects unknown
	// fields and values of the wrong type) over m: the zero T on create,
	// the stored resource on edit.
	Bind func(m *T, decode func(v any) error) error
}

// ListBody is the answer of a list.
type ListBody struct {
	Total    int   `json:"total"`
	Filtered int   `json:"filtered"`
	Items    []any `json:"items"`
}

// List answers GET on the collection URL.
func (r *Resource[T]) List(c *gin.Context) {
	p, err := ParseList(c.Request.URL.Query())
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	page, err := r.Service.List(c.Request.Context(), callerOf(c), p)
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	view := r.Summary
	if view == nil {
		view = r.View
	}
	body := ListBody{Total: page.Total, Filtered: page.Filtered, Items: make([]any, len(page.Items))}
	for i := range page.Items {
		body.Items[i] = view(&page.Items[i])
	}
	r.Render.JSON(c, http.StatusOK, body)
}

// Create answers POST on the collection URL: 201 with the resource and its
// Location.
func (r *Resource[T]) Create(c *gin.Context) {
	decode, err := readBody(c, true)
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	m, err := r.editor().Create(c.Request.Context(), callerOf(c), func(m *T) error { return r.Bind(m, decode) })
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	c.Header("Location", c.Request.URL.Path+"/"+r.ID(&m))
	r.Render.JSON(c, http.StatusCreated, r.View(&m))
}

// Get answers GET on the item URL.
func (r *Resource[T]) Get(c *gin.Context) {
	m, err := r.Service.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	r.Render.JSON(c, http.StatusOK, r.View(&m))
}

// Edit answers PUT on the item URL: a partial update, 204.
func (r *Resource[T]) Edit(c *gin.Context) {
	decode, err := readBody(c, true)
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	err = r.editor().Edit(c.Request.Context(), callerOf(c), c.Param("id"), func(m *T) error { return r.Bind(m, decode) })
	if err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	r.Render.NoContent(c)
}

// Delete answers DELETE on the item URL: 204.
func (r *Resource[T]) Delete(c *gin.Context) {
	if err := r.editor().Delete(c.Request.Context(), callerOf(c), c.Param("id")); err != nil {
		r.Render.Error(c, r.Noun.Many, err)
		return
	}
	r.Render.NoContent(c)
}

// editor returns the service as an Editor; only an Editor's changing
// handlers are routed.
func (r *Resource[T]) editor() Editor[T] { return r.Service.(Editor[T]) }

// Mount registers the five routes of an editable resource on path: GET and
// POST path (List, Create), GET, PUT and DELETE path/:id (Get, Edit, Delete).
func (r *Resource[T]) Mount(g gin.IRouter, path string) {
	g.GET(path, r.List)
	g.POST(path, r.Create)
	g.GET(path+"/:id", r.Get)
	g.PUT(path+"/:id", r.Edit)
	g.DELETE(path+"/:id", r.Delete)
}

// Association holds the gin handlers of one association URL,
// /<left>/:<LeftParam>/<right>/:<RightParam>: Associate (PUT) and
// Dissociate (DELETE), both 204.
type Association[A any] struct {
	Left, Right           Noun
	LeftParam, RightParam string
	Service               Associator[A]
	Render                *render.Renderer
	// Bind writes the request body over the association's attributes; nil
	// when the association has none (then the body must be empty or {}).
	Bind func(a *A, decode func(v any) error) error
}

// Associate answers PUT.
func (r *Association[A]) Associate(c *gin.Context) {
	decode, err := readBody(c, false)
	if err != nil {
		r.Render.Error(c, r.Left.Many, err)
		return
	}
	bind := func(a *A) error { return decode(&struct{}{}) }
	if r.Bind != nil {
		bind = func(a *A) error { return r.Bind(a, decode) }
	}
	if err := r.Service.Associate(c.Request.Context(), callerOf(c), c.Param(r.LeftParam), c.Param(r.RightParam), bind); err != nil {
		r.Render.Error(c, r.Left.Many, err)
		return
	}
	r.Render.NoContent(c)
}

// Dissociate answers DELETE.
func (r *Association[A]) Dissociate(c *gin.Context) {
	if err := r.Service.Dissociate(c.Request.Context(), callerOf(c), c.Param(r.LeftParam), c.Param(r.RightParam)); err != nil {
		r.Render.Error(c, r.Left.Many, err)
		return
	}
	r.Render.NoContent(c)
}
