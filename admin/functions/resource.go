package functions

import (
	_ "embed"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
	catalog "wsgate/functions"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers the ListResource (GET /functions) and the ItemResource
// (GET /functions/{id}); functions are read only.
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Resource[catalog.Entry]{Noun: noun, Service: p.svc.read, Render: p.env.Render,
		ID: func(e *catalog.Entry) string { return e.Name }, View: view, Summary: summary}
	r.GET("/functions", res.List)
	r.GET("/functions/:id", res.Get)
}

// summaryBody is a function in a list.
type summaryBody struct {
	Name         string   `json:"name"`
	Component    string   `json:"component"`
	ClassName    string   `json:"classname"`
	MethodName   string   `json:"methodname"`
	Description  string   `json:"description"`
	Type         string   `json:"type"`
	Capabilities []string `json:"capabilities"`
	Services     []string `json:"services"`
	Deprecated   bool     `json:"deprecated"`
}

// body is a function with its full description: the parameters and the
// returned value as stored (see functions.Description.MarshalJSON).
type body struct {
	summaryBody
	Parameters *catalog.Description `json:"parameters"`
	Returns    *catalog.Description `json:"returns"`
}

func summary(e *catalog.Entry) any { return summarize(e) }

func summarize(e *catalog.Entry) summaryBody {
	return summaryBody{Name: e.Name, Component: e.Component, ClassName: e.ClassName, MethodName: e.MethodName,
		Description: e.Description, Type: e.Type, Capabilities: list(e.Capabilities), Services: list(e.Services),
		Deprecated: e.Deprecated}
}

func view(e *catalog.Entry) any {
	return body{summaryBody: summarize(e), Parameters: e.Params, Returns: e.Returns}
}

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
