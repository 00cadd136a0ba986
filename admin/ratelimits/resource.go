package ratelimits

import (
	_ "embed"
	"strconv"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
	"wsgate/services"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers the rules (GET, POST /ratelimits; GET, PUT, DELETE
// /ratelimits/{id}) and the weights (GET, POST /ratelimit_weights; GET, PUT,
// DELETE /ratelimit_weights/{function}).
func (p *Plugin) Routes(r gin.IRouter) {
	rules := &crud.Resource[services.RateLimit]{Noun: ruleNoun, Service: p.rules.CRUD, Render: p.env.Render,
		ID: func(l *services.RateLimit) string { return strconv.FormatInt(l.ID, 10) }, View: ruleView, Bind: p.rules.Bind}
	rules.Mount(r, "/ratelimits")
	weights := &crud.Resource[services.FunctionWeight]{Noun: weightNoun, Service: p.weights.crud, Render: p.env.Render,
		ID: func(w *services.FunctionWeight) string { return w.Function }, View: weightView, Bind: bindWeight}
	weights.Mount(r, "/ratelimit_weights")
}

// ruleBody is a rule on the wire.
type ruleBody struct {
	ID           int64  `json:"id"`
	Scope        string `json:"scope"`
	TargetID     int64  `json:"target_id"`
	PerSecond    int64  `json:"persecond"`
	PerMinute    int64  `json:"perminute"`
	PerHour      int64  `json:"perhour"`
	PerDay       int64  `json:"perday"`
	TimeModified int64  `json:"timemodified"`
}

func ruleView(l *services.RateLimit) any {
	return ruleBody{ID: l.ID, Scope: l.Scope, TargetID: l.TargetID, PerSecond: l.PerSecond, PerMinute: l.PerMinute,
		PerHour: l.PerHour, PerDay: l.PerDay, TimeModified: l.TimeModified}
}

// weightBody is a function weight on the wire.
type weightBody struct {
	Function     string `json:"function"`
	Weight       int64  `json:"weight"`
	TimeModified int64  `json:"timemodified"`
}

func weightView(w *services.FunctionWeight) any {
	return weightBody{Function: w.Function, Weight: w.Weight, TimeModified: w.TimeModified}
}

// weightInput holds the fields a weight takes; on edit, the function stays.
type weightInput struct {
	Function string `json:"function"`
	Weight   int64  `json:"weight"`
}

func bindWeight(w *services.FunctionWeight, decode func(any) error) error {
	in := weightInput{Function: w.Function, Weight: w.Weight}
	if err := decode(&in); err != nil {
		return err
	}
	w.Function, w.Weight = in.Function, in.Weight
	return nil
}
