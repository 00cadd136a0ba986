package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestCallLogPages makes real REST calls, then reads them back on the
// overview (charts with their tables, busiest functions, recent errors
// linking to the log) and on the call log page with its filters.
func TestCallLogPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token("admin", "wsgate_admin")
	for _, tok := range []string{token, token, "not-a-token"} {
		resp, err := http.Get(f.srv.URL + "/webservice/rest/server.php?" + url.Values{"wstoken": {tok},
			"wsfunction": {"core_webservice_get_site_info"}, "moodlewsrestformat": {"json"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := f.calls.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	c.mustLogin("admin", adminPassword)

	o := c.get("/admin/").want(http.StatusOK).checkPage(true).has("per-minute-table", "per-hour-table", "busiest-functions", "recent-errors")
	o.contains("<svg class=\"chart\"", "Calls per minute, last hour", "Calls per hour, last day", "3 calls, 1 failed",
		`href="/admin/calls?function=core_webservice_get_site_info&amp;outcome=invalidtoken"`)
	// The table behind the minute chart holds the same counts.
	okSum, errSum := 0, 0
	for n := range o.byID("per-minute-table").Descendants() {
		if n.Type != html.ElementNode || n.Data != "tr" {
			continue
		}
		var cells []string
		for td := range n.ChildNodes() {
			if td.Type == html.ElementNode {
				cells = append(cells, strings.TrimSpace(textOf(td)))
			}
		}
		if len(cells) == 3 && cells[1] != "ok" {
			okSum += atoi(t, cells[1])
			errSum += atoi(t, cells[2])
		}
	}
	if okSum != 2 || errSum != 1 {
		t.Errorf("the minute table holds %d ok and %d errors, want 2 and 1", okSum, errSum)
	}
	if got := o.text("busiest-functions"); !strings.Contains(got, "core_webservice_get_site_info") || !strings.Contains(got, "3") {
		t.Errorf("busiest functions: %q", got)
	}

	all := c.get("/admin/calls").want(http.StatusOK).checkPage(true).has("calls")
	if got := all.text("calls-count"); !strings.Contains(got, "of 3 matching") {
		t.Errorf("count: %q", got)
	}
	errs := c.get("/admin/calls?outcome=error&user=&since=").want(http.StatusOK).checkPage(true)
	if got := errs.text("calls-count"); !strings.Contains(got, "Calls 1 to 1 of 1 matching") {
		t.Errorf("errors count: %q", got)
	}
	errs.contains("invalidtoken").lacks(token)
	if got := c.get("/admin/calls?user=admin&service=wsgate_admin").text("calls-count"); !strings.Contains(got, "of 2 matching") {
		t.Errorf("user filter: %q", got)
	}
	c.get("/admin/calls?token=abc").want(http.StatusBadRequest).checkPage(true).has("filter-problem").contains("token must be an integer")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a count", s)
	}
	return n
}
