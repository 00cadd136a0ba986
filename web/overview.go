package web

import (
	"net/http"

	"wsgate/services"
)

// overviewBody is the overview's data.
type overviewBody struct {
	Services, EnabledServices, CustomServices int
	Functions, Users, Roles, Tokens           int
	Protocols                                 []protocolInfo
	Activity                                  activity
}

// protocolInfo is one protocol's endpoint.
type protocolInfo struct {
	Name, URL, Note string
}

// protocols lists the protocols the gateway serves.
func (s *site) protocols(r *http.Request) []protocolInfo {
	base := s.serverURL(r)
	return []protocolInfo{
		{"REST", base + restPath, "form or JSON body; JSON or XML answers (moodlewsrestformat)"},
		{"XML-RPC", base + xmlrpcPath, "methodCall with the parameters as one struct"},
		{"SOAP", base + soapPath, "document/literal; the WSDL is at ?wsdl=1&wstoken=TOKEN"},
		{"OpenAPI", base + OpenAPIPath, "?service=SHORTNAME, with a token of the service"},
	}
}

// overview shows counts, the protocols and the recent activity.
func (s *site) overview(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	svcs, err := s.store.ListServices(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	users, err := s.store.ListUsers(ctx, services.UserFilter{})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	roles, err := s.store.ListRoles(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	toks, err := s.store.ListTokens(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b := overviewBody{Services: len(svcs), Functions: s.catalog.Len(), Users: len(users), Roles: len(roles),
		Tokens: len(toks), Protocols: s.protocols(r)}
	for _, sv := range svcs {
		if sv.Enabled {
			b.EnabledServices++
		}
		if sv.Component == "" {
			b.CustomServices++
		}
	}
	if b.Activity, err = s.activity(r); err != nil {
		s.internalError(w, r, err)
		return
	}
	s.render(w, r, c, http.StatusOK, "overview", "Overview", "overview", b)
}
