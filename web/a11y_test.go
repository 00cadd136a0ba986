package web_test

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// checkPage checks what every page must have: a language, a viewport for
// phones, one h1 first and headings that never skip a level, a label for
// every input, unique ids, a name on every button and, when csrf is set, a
// CSRF token in every POST form.
func (r *response) checkPage(csrf bool) *response {
	r.t.Helper()
	if r.doc == nil {
		r.t.Fatalf("not an HTML page:\n%s", r.body)
	}
	for n := range r.all("html") {
		if attr(n, "lang") == "" {
			r.t.Error("html has no lang")
		}
	}
	viewport := false
	for n := range r.all("meta") {
		viewport = viewport || attr(n, "name") == "viewport" && strings.Contains(attr(n, "content"), "width=device-width")
	}
	if !viewport {
		r.t.Error("no viewport meta")
	}
	// Headings in order: h1 first and once; then no level skipped.
	level, h1s := 0, 0
	for n := range r.doc.Descendants() {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' {
			continue
		}
		l, err := strconv.Atoi(n.Data[1:])
		if err != nil || l < 1 || l > 6 {
			continue
		}
		if l == 1 {
			h1s++
		}
		if level == 0 && l != 1 {
			r.t.Errorf("first heading is %s %q, not h1", n.Data, textOf(n))
		}
		if l > level+1 {
			r.t.Errorf("heading %s %q skips a level after h%d", n.Data, textOf(n), level)
		}
		level = l
	}
	if h1s != 1 {
		r.t.Errorf("%d h1 elements", h1s)
	}
	ids := map[string]bool{}
	labels := map[string]bool{}
	for n := range r.doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if id := attr(n, "id"); id != "" {
			if ids[id] {
				r.t.Errorf("id %q used twice", id)
			}
			ids[id] = true
		}
		if n.Data == "label" {
			labels[attr(n, "for")] = true
		}
	}
	for n := range r.doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "input", "select", "textarea":
			switch attr(n, "type") {
			case "hidden", "submit", "button", "reset":
				continue
			}
			if id := attr(n, "id"); id == "" || !labels[id] {
				r.t.Errorf("%s name=%q has no label", n.Data, attr(n, "name"))
			}
		case "button":
			if strings.TrimSpace(textOf(n)) == "" && attr(n, "aria-label") == "" {
				r.t.Error("a button has no text")
			}
		case "form":
			if !csrf || !strings.EqualFold(attr(n, "method"), "post") {
				continue
			}
			found := false
			for d := range n.Descendants() {
				found = found || d.Type == html.ElementNode && d.Data == "input" && attr(d, "name") == "csrf_token" &&
					attr(d, "value") != ""
			}
			if !found {
				r.t.Errorf("POST form to %s has no CSRF token", attr(n, "action"))
			}
		}
	}
	return r
}
