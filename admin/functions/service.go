// Package functions is the admin plugin of the installed external
// functions, read only, on /functions and /functions/{id} (id: the
// function's name). Functions come from the components' manifests, which the
// upgrade installs.
package functions

import (
	"wsgate/admin/crud"
	catalog "wsgate/functions"
)

// Name is the plugin's name in enabled_plugins.
const Name = "functions"

var noun = crud.Noun{One: "function", Many: "functions"}

// Plugin is the functions plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "functions".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.ReadService[catalog.Entry] {
	return &crud.ReadService[catalog.Entry]{Noun: noun, Store: p.env.Store, Reader: dao{p.env.Catalog},
		Columns: columns}
}

// columns are the filters and orders of the list; ?search= looks into the
// name, the component, the class and method names and the description.
var columns = crud.Columns[catalog.Entry]{
	Columns: map[string]crud.Column[catalog.Entry]{
		"name":        crud.String(func(e *catalog.Entry) string { return e.Name }),
		"component":   crud.String(func(e *catalog.Entry) string { return e.Component }),
		"classname":   crud.String(func(e *catalog.Entry) string { return e.ClassName }),
		"methodname":  crud.String(func(e *catalog.Entry) string { return e.MethodName }),
		"type":        crud.String(func(e *catalog.Entry) string { return e.Type }),
		"deprecated":  crud.Bool(func(e *catalog.Entry) bool { return e.Deprecated }),
		"description": crud.String(func(e *catalog.Entry) string { return e.Description }),
	},
	Search:  []string{"name", "component", "classname", "methodname", "description"},
	Default: "name",
}
