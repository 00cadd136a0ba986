package calls

import (
	_ "embed"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
	"wsgate/services/calllog"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers GET /calls, GET /calls/summary and GET /calls/{id}.
func (p *Plugin) Routes(r gin.IRouter) {
	svc := service{env: p.env}
	res := &crud.Resource[calllog.Entry]{Noun: noun, Service: svc, Render: p.env.Render,
		ID: func(e *calllog.Entry) string { return strconv.FormatInt(e.ID, 10) }, View: View}
	r.GET("/calls", res.List)
	r.GET("/calls/summary", func(c *gin.Context) {
		sum, err := svc.store().Summary(c.Request.Context(), p.env.Now())
		if err != nil {
			p.env.Render.Error(c, noun.Many, err)
			return
		}
		p.env.Render.JSON(c, http.StatusOK, SummaryView(&sum))
	})
	r.GET("/calls/:id", res.Get)
}

// Body is a call on the wire. It names the token by id: the log never
// holds a token's value.
type Body struct {
	ID          int64   `json:"id"`
	Time        int64   `json:"time"` // Unix seconds
	Function    string  `json:"function"`
	Protocol    string  `json:"protocol"`
	UserID      int64   `json:"user_id"`
	Username    string  `json:"username"`
	ServiceID   int64   `json:"service_id"`
	Service     string  `json:"service"`
	TokenID     int64   `json:"token_id"`
	Outcome     string  `json:"outcome"`
	DurationMS  float64 `json:"duration_ms"`
	RemoteAddr  string  `json:"remote_addr"`
	RequestSize int     `json:"request_size"`
}

// View is e as the API shows it.
func View(e *calllog.Entry) any { return body(e) }

func body(e *calllog.Entry) Body {
	return Body{ID: e.ID, Time: e.Time.Unix(), Function: e.Function, Protocol: e.Protocol, UserID: e.UserID,
		Username: e.Username, ServiceID: e.ServiceID, Service: e.Service, TokenID: e.TokenID, Outcome: e.Outcome,
		DurationMS: float64(e.Duration.Microseconds()) / 1000, RemoteAddr: e.RemoteIP, RequestSize: e.Size}
}

// BucketBody is one span of the summary's series.
type BucketBody struct {
	Start  int64 `json:"start"` // Unix seconds
	OK     int   `json:"ok"`
	Errors int   `json:"errors"`
}

// FunctionBody is one of the busiest functions.
type FunctionBody struct {
	Function string `json:"function"`
	Calls    int    `json:"calls"`
	Errors   int    `json:"errors"`
}

// SummaryBody is GET /calls/summary.
type SummaryBody struct {
	Time      int64          `json:"time"`
	PerMinute []BucketBody   `json:"per_minute"`
	PerHour   []BucketBody   `json:"per_hour"`
	Busiest   []FunctionBody `json:"busiest"`
	Errors    []Body         `json:"errors"`
}

// SummaryView is s as the API shows it.
func SummaryView(s *calllog.Summary) SummaryBody {
	buckets := func(bs []calllog.Bucket) []BucketBody {
		out := make([]BucketBody, len(bs))
		for i, b := range bs {
			out[i] = BucketBody{Start: b.Start.Unix(), OK: b.OK, Errors: b.Errors}
		}
		return out
	}
	out := SummaryBody{Time: s.Now.Truncate(time.Second).Unix(), PerMinute: buckets(s.PerMinute), PerHour: buckets(s.PerHour),
		Busiest: make([]FunctionBody, len(s.Busiest)), Errors: make([]Body, len(s.Errors))}
	for i, f := range s.Busiest {
		out.Busiest[i] = FunctionBody(f)
	}
	for i := range s.Errors {
		out.Errors[i] = body(&s.Errors[i])
	}
	return out
}
