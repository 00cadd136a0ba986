package discovery

import (
	"fmt"
	"io"
	"sort"
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
