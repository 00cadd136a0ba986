package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"wsgate/admin/serviceusers"
	"wsgate/services"
)

// linkedFunction is a function of a service as its page shows it.
type linkedFunction struct {
	Name         string
	Description  string
	Capabilities []string
	Missing      bool // not installed (any more): calls to it fail
	NoHandler    bool // installed, but no implementation is in this binary
	Deprecated   bool
}

// candidate is a function that can be added to a service.
type candidate struct {
	Name, Component, Description string
}

// serviceFunctionsBody is the data of a service's functions page.
type serviceFunctionsBody struct {
	Service    services.Service
	Linked     []linkedFunction
	Missing    int
	Components []string
	Component  string // the search's component, "" for any
	Query      string // the search's text
	Searched   bool
	Results    []candidate
}

// serviceFunctions lists a service's functions, with warnings for those
// that no longer exist, and for a custom service a search of the functions
// to add, by component and by name or description.
func (s *site) serviceFunctions(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	names, err := s.store.ServiceFunctionNames(r.Context(), sv.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	q := r.URL.Query()
	b := serviceFunctionsBody{Service: sv, Component: q.Get("component"), Query: strings.TrimSpace(q.Get("q")),
		Searched: q.Has("q") || q.Has("component")}
	for _, n := range names {
		lf := linkedFunction{Name: n}
		if e, ok := s.catalog.Get(n); ok {
			lf.Description, lf.Capabilities, lf.Deprecated = e.Description, e.Capabilities, e.Deprecated
			lf.NoHandler = e.Handler == nil && e.Upstream == nil
		} else {
			lf.Missing = true
			b.Missing++
		}
		b.Linked = append(b.Linked, lf)
	}
	comps := map[string]bool{}
	needle := strings.ToLower(b.Query)
	for _, e := range s.catalog.All() {
		comps[e.Component] = true
		if !b.Searched || e.Deprecated || slices.Contains(names, e.Name) {
			continue
		}
		if b.Component != "" && e.Component != b.Component {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(e.Name), needle) &&
			!strings.Contains(strings.ToLower(e.Description), needle) {
			continue
		}
		b.Results = append(b.Results, candidate{Name: e.Name, Component: e.Component, Description: e.Description})
	}
	for comp := range comps {
		b.Components = append(b.Components, comp)
	}
	sort.Strings(b.Components)
	s.render(w, r, c, http.StatusOK, "service_functions", "Functions of "+sv.Name, "services", b)
}

// serviceFunctionsAdd adds the checked functions to a custom service.
func (s *site) serviceFunctionsAdd(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	back := "/admin/services/" + itoa(sv.ID) + "/functions"
	picked := r.PostForm["function"]
	if len(picked) == 0 {
		s.flashError(c, "Select at least one function to add.")
		seeOther(w, r, back)
		return
	}
	var added []string
	for _, name := range picked {
		err := s.api.ServiceFunctions.Add(r.Context(), c.caller, sv.ID, name)
		if err != nil {
			if len(added) > 0 {
				s.flashOK(c, "Added "+strings.Join(added, ", ")+".")
			}
			s.actionFailed(w, r, c, err, back)
			return
		}
		added = append(added, name)
	}
	s.flashOK(c, "Added "+strings.Join(added, ", ")+".")
	seeOther(w, r, back)
}

// serviceFunctionRemove removes a function from a custom service.
func (s *site) serviceFunctionRemove(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	back := "/admin/services/" + itoa(sv.ID) + "/functions"
	name := r.PostFormValue("function")
	err := s.api.ServiceFunctions.Remove(r.Context(), c.caller, sv.ID, name)
	if s.actionFailed(w, r, c, err, back) {
		return
	}
	s.flashOK(c, "Removed "+name+".")
	seeOther(w, r, back)
}

// authorisedUser is a user authorised for a service.
type authorisedUser struct {
	services.ServiceUser
	User        services.User
	MissingCaps []string // capabilities the service's functions need that the user lacks
}

// authoriseForm holds the values of the form that authorises a user.
type authoriseForm struct {
	UserID        int64
	IPRestriction string
	ValidUntil    string
}

// serviceUsersBody is the data of a service's authorised users page.
type serviceUsersBody struct {
	Service    services.Service
	Authorised []authorisedUser
	Users      []services.User
	Form       authoriseForm
	Err        *formError
}

// authoriseLabels name the fields of an authorisation in messages.
var authoriseLabels = map[string]string{"user_id": "User", "iprestriction": "IP restriction",
	"validuntil": "Valid until"}

// Labels returns the labels of the form's fields.
func (serviceUsersBody) Labels() map[string]string { return authoriseLabels }

// serviceUsers lists the users authorised for a service.
func (s *site) serviceUsers(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	s.renderServiceUsers(w, r, c, http.StatusOK, serviceUsersBody{Service: sv})
}

func (s *site) renderServiceUsers(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b serviceUsersBody) {
	ctx := r.Context()
	sus, err := s.store.ServiceUsers(ctx, b.Service.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	users, err := s.store.ListUsers(ctx, services.UserFilter{})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Users = users
	names, err := s.store.ServiceFunctionNames(ctx, b.Service.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	need := map[string]bool{}
	if b.Service.RequiredCapability != "" {
		need[b.Service.RequiredCapability] = true
	}
	for _, n := range names {
		if e, ok := s.catalog.Get(n); ok {
			for _, cp := range e.Capabilities {
				need[cp] = true
			}
		}
	}
	byID := map[int64]services.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	for _, su := range sus {
		au := authorisedUser{ServiceUser: su, User: byID[su.UserID]}
		isAdmin, err := s.store.IsSiteAdmin(ctx, su.UserID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if !isAdmin {
			caps, err := s.store.UserCapabilities(ctx, su.UserID)
			if err != nil {
				s.internalError(w, r, err)
				return
			}
			for cp := range need {
				if !caps[cp] {
					au.MissingCaps = append(au.MissingCaps, cp)
				}
			}
			sort.Strings(au.MissingCaps)
		}
		b.Authorised = append(b.Authorised, au)
	}
	s.render(w, r, c, status, "service_users", "Authorised users of "+b.Service.Name, "services", b)
}

// serviceUserAuthorise authorises a user for a service, or changes the
// limits of their authorisation.
func (s *site) serviceUserAuthorise(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	form := authoriseForm{IPRestriction: strings.TrimSpace(r.PostFormValue("iprestriction")),
		ValidUntil: strings.TrimSpace(r.PostFormValue("validuntil"))}
	form.UserID, _ = strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	bad := map[string]string{}
	if form.UserID <= 0 {
		bad["user_id"] = "choose a user"
	}
	until, ok := parseValidUntil(form.ValidUntil)
	if !ok {
		bad["validuntil"] = "must be a date (YYYY-MM-DD)"
	}
	var err error
	if len(bad) > 0 {
		err = &formError{Message: "Please correct the fields marked below.", Fields: bad}
	} else {
		err = s.api.ServiceUsers.Authorise(r.Context(), c.caller, sv.ID, form.UserID,
			serviceusers.Limits{IPRestriction: form.IPRestriction, ValidUntil: until})
	}
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderServiceUsers(w, r, c, status, serviceUsersBody{Service: sv, Form: form, Err: fe})
		})
		return
	}
	u, _ := s.store.UserByID(r.Context(), form.UserID)
	s.flashOK(c, "User "+u.Username+" is authorised for "+sv.Name+".")
	seeOther(w, r, "/admin/services/"+itoa(sv.ID)+"/users")
}

// serviceUserRemove withdraws a user's authorisation for a service.
func (s *site) serviceUserRemove(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	back := "/admin/services/" + itoa(sv.ID) + "/users"
	id, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	err := s.api.ServiceUsers.Withdraw(r.Context(), c.caller, sv.ID, id)
	if s.actionFailed(w, r, c, err, back) {
		return
	}
	s.flashOK(c, "Authorisation withdrawn.")
	seeOther(w, r, back)
}
