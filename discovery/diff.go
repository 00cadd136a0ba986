package discovery

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
)

// Link is one function in one service.
type Link struct {
	Service  string // the service name
	Function string
}

// Diff is what an upgrade changes (or, on a dry run, would change).
type Diff struct {
	FunctionsAdded, FunctionsChanged, FunctionsRemoved []string
	ServicesAdded, ServicesChanged, ServicesRemoved    []string
	LinksAdded, LinksRemoved                           []Link
	// CustomLinksRemoved are links of administrators' custom services to
	// functions that no component declares any more (Moodle leaves them dangling).
	CustomLinksRemoved []Link
	CapabilitiesAdded  []string
}

// Empty reports whether the upgrade changes nothing.
func (d *Diff) Empty() bool {
	return len(d.FunctionsAdded)+len(d.FunctionsChanged)+len(d.FunctionsRemoved)+len(d.ServicesAdded)+
		len(d.ServicesChanged)+len(d.ServicesRemoved)+len(d.LinksAdded)+len(d.LinksRemoved)+
		len(d.CustomLinksRemoved)+len(d.CapabilitiesAdded) == 0
}

func (d *Diff) sort() {
	for _, l := range [][]string{d.FunctionsAdded, d.FunctionsChanged, d.FunctionsRemoved, d.ServicesAdded,
		d.ServicesChanged, d.ServicesRemoved, d.CapabilitiesAdded} {
		sort.Strings(l)
	}
	for _, l := range [][]Link{d.LinksAdded, d.LinksRemoved, d.CustomLinksRemoved} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Service != l[j].Service {
				return l[i].Service < l[j].Service
			}
			return l[i].Function < l[j].Function
		})
	}
}

// Print writes the diff for people: a summary line per part, then one line per
// change marked + (added), ~ (changed) or - (removed).
func (d *Diff) Print(w io.Writer) {
	if d.Empty() {
		fmt.Fprintln(w, "No changes.")
		return
	}
	names := func(title string, added, changed, removed []string) {
		if len(added)+len(changed)+len(removed) == 0 {
			return
		}
		fmt.Fprintf(w, "%s: %d added, %d changed, %d removed\n", title, len(added), len(changed), len(removed))
		for _, n := range added {
			fmt.Fprintf(w, "  + %s\n", n)
		}
		for _, n := range changed {
			fmt.Fprintf(w, "  ~ %s\n", n)
		}
		for _, n := range removed {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	names("functions", d.FunctionsAdded, d.FunctionsChanged, d.FunctionsRemoved)
	names("services", d.ServicesAdded, d.ServicesChanged, d.ServicesRemoved)
	if len(d.LinksAdded)+len(d.LinksRemoved) > 0 {
		fmt.Fprintf(w, "service functions: %d added, %d removed\n", len(d.LinksAdded), len(d.LinksRemoved))
		for _, l := range d.LinksAdded {
			fmt.Fprintf(w, "  + %s: %s\n", l.Service, l.Function)
		}
		for _, l := range d.LinksRemoved {
			fmt.Fprintf(w, "  - %s: %s\n", l.Service, l.Function)
		}
	}
	if len(d.CustomLinksRemoved) > 0 {
		fmt.Fprintf(w, "custom services affected: %d function(s) removed\n", len(d.CustomLinksRemoved))
		for _, l := range d.CustomLinksRemoved {
			fmt.Fprintf(w, "  - %s: %s (no component declares it any more)\n", l.Service, l.Function)
		}
	}
	if len(d.CapabilitiesAdded) > 0 {
		fmt.Fprintf(w, "capabilities: %d added\n", len(d.CapabilitiesAdded))
		for _, c := range d.CapabilitiesAdded {
			fmt.Fprintf(w, "  + %s\n", c)
		}
	}
}

// Summary is the diff on one line: the counts of each part, for the log
// ("functions +6 ~0 -0, services +2 ~0 -0, service functions +6 -0").
func (d *Diff) Summary() string {
	if d.Empty() {
		return "no changes"
	}
	parts := []string{
		fmt.Sprintf("functions +%d ~%d -%d", len(d.FunctionsAdded), len(d.FunctionsChanged), len(d.FunctionsRemoved)),
		fmt.Sprintf("services +%d ~%d -%d", len(d.ServicesAdded), len(d.ServicesChanged), len(d.ServicesRemoved)),
		fmt.Sprintf("service functions +%d -%d", len(d.LinksAdded), len(d.LinksRemoved)),
	}
	if len(d.CustomLinksRemoved) > 0 {
		parts = append(parts, fmt.Sprintf("custom service functions -%d", len(d.CustomLinksRemoved)))
	}
	parts = append(parts, fmt.Sprintf("capabilities +%d", len(d.CapabilitiesAdded)))
	return strings.Join(parts, ", ")
}

// Change is one line of a diff: what kind of thing, how it changed and its name.
type Change struct {
	Kind   string // function, service, service_function, custom_service_function, capability
	Action string // added, changed or removed
	Name   string // the function, service or capability; "service: function" for links
}

// Changes lists the diff one change at a time, in the order Print shows them.
func (d *Diff) Changes() []Change {
	var out []Change
	add := func(kind, action string, names []string) {
		for _, n := range names {
			out = append(out, Change{Kind: kind, Action: action, Name: n})
		}
	}
	links := func(kind, action string, ls []Link) {
		for _, l := range ls {
			out = append(out, Change{Kind: kind, Action: action, Name: l.Service + ": " + l.Function})
		}
	}
	add("function", "added", d.FunctionsAdded)
	add("function", "changed", d.FunctionsChanged)
	add("function", "removed", d.FunctionsRemoved)
	add("service", "added", d.ServicesAdded)
	add("service", "changed", d.ServicesChanged)
	add("service", "removed", d.ServicesRemoved)
	links("service_function", "added", d.LinksAdded)
	links("service_function", "removed", d.LinksRemoved)
	links("custom_service_function", "removed", d.CustomLinksRemoved)
	add("capability", "added", d.CapabilitiesAdded)
	return out
}

// Log writes the diff to log: the summary at info level, then one line per
// change at debug level.
func (d *Diff) Log(ctx context.Context, log *slog.Logger) {
	log.InfoContext(ctx, "components upgraded", "summary", d.Summary())
	if !log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	for _, c := range d.Changes() {
		log.DebugContext(ctx, "component change", "kind", c.Kind, "action", c.Action, "name", c.Name)
	}
}
