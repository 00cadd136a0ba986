package services

import (
	_ "embed"
	"strconv"
	"strings"

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
	res := &crud.Resource[store.Service]{Noun: noun, Service: p.service(), Render: p.env.Render,
		ID: func(s *store.Service) string { return strconv.FormatInt(s.ID, 10) }, View: view, Bind: bind}
	r.GET("/services", res.List)
	r.POST("/services", res.Create)
	r.GET("/services/:id", res.Get)
	r.PUT("/services/:id", res.Edit)
	r.DELETE("/services/:id", res.Delete)
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

// input holds the fields a request may set.
type input struct {
	Name               string   `json:"name"`
	Shortname          string   `json:"shortname"`
	Enabled            bool     `json:"enabled"`
	RequiredCapability string   `json:"requiredcapability"`
	RestrictedUsers    bool     `json:"restrictedusers"`
	DownloadFiles      bool     `json:"downloadfiles"`
	UploadFiles        bool     `json:"uploadfiles"`
	Protocols          []string `json:"protocols"`
}

func bind(s *store.Service, decode func(any) error) error {
	in := input{Name: s.Name, Shortname: s.Shortname, Enabled: s.Enabled, RequiredCapability: s.RequiredCapability,
		RestrictedUsers: s.RestrictedUsers, DownloadFiles: s.DownloadFiles, UploadFiles: s.UploadFiles,
		Protocols: s.Protocols}
	if err := decode(&in); err != nil {
		return err
	}
	s.Name, s.Shortname = strings.TrimSpace(in.Name), strings.TrimSpace(in.Shortname)
	s.RequiredCapability = strings.TrimSpace(in.RequiredCapability)
	s.Enabled, s.RestrictedUsers, s.DownloadFiles, s.UploadFiles = in.Enabled, in.RestrictedUsers, in.DownloadFiles,
		in.UploadFiles
	s.Protocols = in.Protocols
	return nil
}
