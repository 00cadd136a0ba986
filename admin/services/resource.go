package services

import (
	_ "embed"
	"strconv"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
	store "wsgate/services"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers the ListResource (GET, POST /services) and the
// ItemResource (GET, PUT, DELETE /services/{id}).
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Resource[store.Service]{Noun: noun, Service: p.svc.CRUD, Render: p.env.Render,
		ID: func(s *store.Service) string { return strconv.FormatInt(s.ID, 10) }, View: view, Bind: p.svc.Bind}
	res.Mount(r, "/services")
}

// body is a service on the wire.
type body struct {
	ID                 int64  `json:"id"`
	Name               string `json:"name"`
	Shortname          string `json:"shortname"`
	Enabled            bool   `json:"enabled"`
	RequiredCapability string `json:"requiredcapability"`
	RestrictedUsers    bool   `json:"restrictedusers"`
	Component          string `json:"component"`
	DownloadFiles      bool   `json:"downloadfiles"`
	UploadFiles        bool   `json:"uploadfiles"`
	TimeCreated        int64  `json:"timecreated"`
	TimeModified       int64  `json:"timemodified"`
	// Protocols, null for every protocol the site enables.
	Protocols []string `json:"protocols"`
}

func view(s *store.Service) any {
	return body{ID: s.ID, Name: s.Name, Shortname: s.Shortname, Enabled: s.Enabled,
		RequiredCapability: s.RequiredCapability, RestrictedUsers: s.RestrictedUsers, Component: s.Component,
		DownloadFiles: s.DownloadFiles, UploadFiles: s.UploadFiles, TimeCreated: s.TimeCreated,
		TimeModified: s.TimeModified, Protocols: s.Protocols}
}
