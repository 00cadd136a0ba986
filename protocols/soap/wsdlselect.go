package soap

import (
	"sort"
	"strconv"
	"strings"

	"wsgate/functions"
)

// maxDescDepth bounds how deeply a description may nest to be published;
// deeper functions are left out of the WSDL.
const maxDescDepth = 48

// skip is a function left out of the WSDL and why.
type skip struct{ name, why string }

// selectFunctions sorts fns by name and splits them into those the WSDL can
// publish and those it leaves out.
func selectFunctions(fns []*functions.Function) ([]*functions.Function, []skip) {
	sorted := make([]*functions.Function, 0, len(fns))
	for _, f := range fns {
		if f != nil {
			sorted = append(sorted, f)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	names := make(map[string]bool, len(sorted))
	for _, f := range sorted {
		names[f.Name] = true
	}
	var ops []*functions.Function
	var skipped []skip
	for i, f := range sorted {
		if i > 0 && sorted[i-1].Name == f.Name {
			continue
		}
		why := checkFunction(f)
		if why == "" && strings.HasSuffix(f.Name, "Response") && names[strings.TrimSuffix(f.Name, "Response")] {
			why = "its name is the response element of " + strings.TrimSuffix(f.Name, "Response")
		}
		if why != "" {
			skipped = append(skipped, skip{f.Name, why})
			continue
		}
		ops = append(ops, f)
	}
	return ops, skipped
}

// checkFunction says why f cannot be published, or "".
func checkFunction(f *functions.Function) string {
	if !validName(f.Name) {
		return "its name is not an XML name"
	}
	if f.Params != nil {
		if f.Params.Shape != functions.SingleShape {
			return "its parameters are not a single structure"
		}
		if why := checkDesc(f.Params, 0); why != "" {
			return "parameters: " + why
		}
	}
	if f.Returns != nil {
		if why := checkDesc(f.Returns, 0); why != "" {
			return "returns: " + why
		}
	}
	return ""
}

// checkDesc says why d cannot be written as XML Schema, or "".
func checkDesc(d *functions.Description, depth int) string {
	if d == nil {
		return "a description is missing"
	}
	if depth > maxDescDepth {
		return "the description is nested too deeply"
	}
	switch d.Shape {
	case functions.ValueShape:
		return ""
	case functions.SingleShape:
		seen := make(map[string]bool, len(d.Keys))
		for _, k := range d.Keys {
			if !validName(k.Name) {
				return "key " + strconv.Quote(k.Name) + " is not an XML name"
			}
			if seen[k.Name] {
				return "key " + k.Name + " is declared twice"
			}
			seen[k.Name] = true
			if why := checkDesc(k.Desc, depth+1); why != "" {
				return k.Name + ": " + why
			}
		}
		return ""
	case functions.MultipleShape:
		return checkDesc(d.Content, depth+1)
	}
	return "unknown description shape"
}

// definitionsDoc is the documentation of the whole document/literal WSDL.
func definitionsDoc(skipped []skip) string {
	return definitionsDocStyle("document/literal wrapped, SOAP 1.1", skipped)
}

// definitionsDocStyle is the documentation of a whole WSDL of style.
func definitionsDocStyle(style string, skipped []skip) string {
	doc := "The web service functions this token may call (" + style + ")."
	if len(skipped) > 0 {
		parts := make([]string, len(skipped))
		for i, s := range skipped {
			parts[i] = s.name + " (" + s.why + ")"
		}
		doc += " Left out: " + strings.Join(parts, "; ") + "."
	}
	return doc
}

// operationDoc is the documentation of one operation.
func operationDoc(f *functions.Function) string {
	if f.Deprecated {
		return strings.TrimSpace("Deprecated. " + f.Description)
	}
	return f.Description
}
