package admin

import (
	"strings"

	"github.com/gin-gonic/gin"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/render"
	"wsgate/services"
)

// The refusals of authenticate. Their details give a reason, not which
// check failed, so they tell nothing to someone guessing tokens.
var (
	errNoToken = problem(wsgate.Unauthenticated, "unauthorized", "A token is required (X-Auth-Token or Authorization: Bearer)",
		"missing_token")
	errBadToken = problem(wsgate.Unauthenticated, "unauthorized", "The token is invalid, expired or refused",
		"not_found_or_expired")
	errNotAdmin = problem(wsgate.Forbidden, "forbidden",
		"The token does not give access to the admin API (service "+AdminService+", capability "+AdminCapability+")",
		"missing_permission")
)

func problem(kind wsgate.Kind, id, message, reason string) *crud.Problem {
	return crud.NewProblem(kind, id, message, map[string]any{"reason": reason})
}

// authenticate lets a request through when its token (X-Auth-Token, or
// Authorization: Bearer) is usable (else 401), is a token of the
// wsgate_admin service and its user holds wsgate/site:config (else 403).
// The authorizer answers from its cache: no query per request in steady
// state. The caller goes into the request's context; no answer is cached.
func authenticate(auth *services.Authorizer, rd *render.Renderer, base string) gin.HandlerFunc {
	return func(c *gin.Context) {
		resource := resourceOf(c.FullPath(), base)
		token := tokenOf(c)
		if token == "" {
			rd.Error(c, resource, errNoToken)
			return
		}
		caller, err := auth.AuthorizeService(c.Request.Context(), services.AuthRequest{Token: token,
			RemoteIP: c.ClientIP(), Protocol: "admin"})
		if err != nil {
			switch wsgate.KindOf(err) {
			case wsgate.Unauthenticated:
				err = errBadToken
			case wsgate.Forbidden:
				err = errNotAdmin
			}
			rd.Error(c, resource, err)
			return
		}
		if caller.Shortname != AdminService || !caller.Can(AdminCapability) {
			rd.Error(c, resource, errNotAdmin)
			return
		}
		c.Request = c.Request.WithContext(wsgate.WithCaller(c.Request.Context(), caller))
		c.Header("Cache-Control", "no-store") // answers may hold a new token
		c.Next()
	}
}

// tokenOf returns the token of the request: X-Auth-Token, else the
// credentials of Authorization: Bearer.
func tokenOf(c *gin.Context) string {
	if t := strings.TrimSpace(c.GetHeader("X-Auth-Token")); t != "" {
		return t
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(c.GetHeader("Authorization")), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(cred)
	}
	return ""
}

// resourceOf names the collection of a route, "services" for
// /1.0/services/:id.
func resourceOf(route, base string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(route, base), "/"), "/")
	return first
}
