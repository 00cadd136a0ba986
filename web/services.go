package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"wsgate"
	adminservices "wsgate/admin/services"
	"wsgate/services"
)

// serviceRow is a service in the list.
type serviceRow struct {
	services.Service
	Functions int // linked functions
	Missing   int // linked functions that are not installed
	Users     int // authorised users
	Limit     string
}

// servicesBody is the services list's data.
type servicesBody struct {
	Builtin, Custom []serviceRow
}

// servicesList lists built-in and custom services with their state and links.
func (s *site) servicesList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	svcs, err := s.store.ListServices(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var b servicesBody
	for _, sv := range svcs {
		names, err := s.store.ServiceFunctionNames(ctx, sv.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		users, err := s.store.ServiceUsers(ctx, sv.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		row := serviceRow{Service: sv, Functions: len(names), Users: len(users), Limit: s.serviceLimit(ctx, sv.ID)}
		for _, n := range names {
			if _, ok := s.catalog.Get(n); !ok {
				row.Missing++
			}
		}
		if sv.Component == "" {
			b.Custom = append(b.Custom, row)
		} else {
			b.Builtin = append(b.Builtin, row)
		}
	}
	s.render(w, r, c, http.StatusOK, "services", "Services", "services", b)
}

// serviceFormBody is the data of the form that creates or edits a service.
type serviceFormBody struct {
	Service      services.Service
	New          bool
	Capabilities []services.Capability
	Err          *formError
}

// serviceLabels name the fields of a service in messages.
var serviceLabels = map[string]string{"name": "Name", "shortname": "Short name", "enabled": "Enabled",
	"requiredcapability": "Required capability", "restrictedusers": "Authorised users only",
	"downloadfiles": "Can download files", "uploadfiles": "Can upload files", "component": "Component",
	"protocols": "Protocols"}

// Labels returns the labels of the form's fields.
func (serviceFormBody) Labels() map[string]string { return serviceLabels }

// AllProtocols reports whether the service takes every protocol the site enables.
func (b serviceFormBody) AllProtocols() bool { return b.Service.Protocols == nil }

// protocolChoice is one protocol of the form, checked when the service lists it.
type protocolChoice struct {
	Name    string
	Checked bool
}

// ProtocolChoices are the protocols the form offers.
func (b serviceFormBody) ProtocolChoices() []protocolChoice {
	out := make([]protocolChoice, len(services.Protocols))
	for i, p := range services.Protocols {
		out[i] = protocolChoice{Name: p, Checked: slices.Contains(b.Service.Protocols, p)}
	}
	return out
}

func (s *site) renderServiceForm(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b serviceFormBody) {
	caps, err := s.store.ListCapabilities(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Capabilities = caps
	title := "Add a custom service"
	if !b.New {
		title = "Edit service " + b.Service.Name
	}
	s.render(w, r, c, status, "service_form", title, "services", b)
}

// serviceNew shows the form of a new custom service.
func (s *site) serviceNew(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.renderServiceForm(w, r, c, http.StatusOK, serviceFormBody{New: true})
}

// serviceFromForm reads a service form into in and onto sv, for showing it again.
func serviceFromForm(r *http.Request, sv *services.Service) adminservices.Input {
	on := func(k string) bool { return r.PostFormValue(k) != "" }
	in := adminservices.Input{Name: strings.TrimSpace(r.PostFormValue("name")),
		Shortname: strings.TrimSpace(r.PostFormValue("shortname")), Enabled: on("enabled"),
		RequiredCapability: strings.TrimSpace(r.PostFormValue("requiredcapability")),
		RestrictedUsers:    on("restrictedusers"), DownloadFiles: on("downloadfiles"), UploadFiles: on("uploadfiles")}
	// Every protocol the site enables, or those checked (none checked is
	// every protocol too: a service is switched off with enabled).
	if !on("protocols_all") && len(r.PostForm["protocols"]) > 0 {
		in.Protocols = []string{}
		for _, p := range r.PostForm["protocols"] {
			if !slices.Contains(in.Protocols, p) {
				in.Protocols = append(in.Protocols, p)
			}
		}
	}
	sv.Enabled, sv.DownloadFiles, sv.UploadFiles, sv.Protocols = in.Enabled, in.DownloadFiles, in.UploadFiles, in.Protocols
	if sv.Component == "" {
		sv.Name, sv.Shortname, sv.RequiredCapability, sv.RestrictedUsers = in.Name, in.Shortname,
			in.RequiredCapability, in.RestrictedUsers
	}
	return in
}

// serviceCreate creates a custom service, then goes to its functions.
func (s *site) serviceCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	var sv services.Service
	in := serviceFromForm(r, &sv)
	out, err := s.api.Services.Create(r.Context(), c.caller, in)
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderServiceForm(w, r, c, status, serviceFormBody{Service: sv, New: true, Err: fe})
		})
		return
	}
	s.flashOK(c, "Service "+in.Name+" created. Add its functions.")
	seeOther(w, r, "/admin/services/"+itoa(out.ID)+"/functions")
}

// serviceEdit shows the form of a service.
func (s *site) serviceEdit(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	s.renderServiceForm(w, r, c, http.StatusOK, serviceFormBody{Service: sv})
}

// serviceUpdate saves the form of a service; of a component service only
// enabled, downloadfiles, uploadfiles and protocols.
func (s *site) serviceUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	in := serviceFromForm(r, &sv)
	err := s.api.Services.Edit(r.Context(), c.caller, sv.ID, func(cur *adminservices.Input) {
		if sv.Component != "" { // what may change on a component service
			cur.Enabled, cur.DownloadFiles, cur.UploadFiles, cur.Protocols = in.Enabled, in.DownloadFiles,
				in.UploadFiles, in.Protocols
			return
		}
		*cur = in
	})
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderServiceForm(w, r, c, status, serviceFormBody{Service: sv, Err: fe})
		})
		return
	}
	s.flashOK(c, "Service "+sv.Name+" saved.")
	seeOther(w, r, "/admin/services")
}

// serviceSetEnabled enables (enabled=1) or disables (enabled=0) a service.
func (s *site) serviceSetEnabled(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	enabled := r.PostFormValue("enabled") == "1"
	err := s.api.Services.Edit(r.Context(), c.caller, sv.ID, func(in *adminservices.Input) { in.Enabled = enabled })
	back := safeNext(r.PostFormValue("back"))
	if back == AdminPrefix {
		back = "/admin/services"
	}
	if s.actionFailed(w, r, c, err, back) {
		return
	}
	if enabled {
		s.flashOK(c, "Service "+sv.Name+" enabled.")
	} else {
		s.flashOK(c, "Service "+sv.Name+" disabled: its tokens are refused.")
	}
	seeOther(w, r, back)
}

// deleteServiceBody is the data of the page that confirms a deletion.
type deleteServiceBody struct {
	Service                  services.Service
	Functions, Users, Tokens int
}

// serviceDeleteConfirm says what deleting a custom service removes.
func (s *site) serviceDeleteConfirm(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	names, err := s.store.ServiceFunctionNames(ctx, sv.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	users, err := s.store.ServiceUsers(ctx, sv.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	toks, err := s.store.ListTokens(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b := deleteServiceBody{Service: sv, Functions: len(names), Users: len(users)}
	for _, t := range toks {
		if t.ServiceID == sv.ID {
			b.Tokens++
		}
	}
	s.render(w, r, c, http.StatusOK, "service_delete", "Delete service "+sv.Name, "services", b)
}

// serviceDelete deletes a custom service with its functions, users and tokens.
func (s *site) serviceDelete(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	err := s.api.Services.Delete(r.Context(), c.caller, sv.ID)
	if s.actionFailed(w, r, c, err, "/admin/services") {
		return
	}
	s.flashOK(c, "Service "+sv.Name+" deleted.")
	seeOther(w, r, "/admin/services")
}

// serviceOf loads the service of the {id} in the path; else it answers 404
// (or 500) and returns false.
func (s *site) serviceOf(w http.ResponseWriter, r *http.Request) (services.Service, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return services.Service{}, false
	}
	sv, err := s.store.ServiceByID(r.Context(), id)
	if wsgate.KindOf(err) == wsgate.NotFound {
		s.notFound(w, r)
		return sv, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return sv, false
	}
	return sv, true
}

// formFailed answers a refused form with show, given the refusal's status
// and what to say; an internal failure gets the error page.
func (s *site) formFailed(w http.ResponseWriter, r *http.Request, c *reqCtx, err error,
	show func(status int, fe *formError)) {
	fe := asFormError(err)
	if fe == nil {
		s.internalError(w, r, err)
		return
	}
	show(fe.Status, fe)
}

// actionFailed handles the error of a button's change: nil returns false;
// a refusal is queued as a message and redirects to back; an internal
// failure gets the error page.
func (s *site) actionFailed(w http.ResponseWriter, r *http.Request, c *reqCtx, err error, back string) bool {
	if err == nil {
		return false
	}
	fe := asFormError(err)
	if fe == nil {
		s.internalError(w, r, err)
		return true
	}
	s.flashError(c, fe.Error())
	seeOther(w, r, back)
	return true
}
