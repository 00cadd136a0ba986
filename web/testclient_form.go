package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"wsgate/functions"
)

// Bounds of the test client's form: items per list, and fields in all
// (inputs, structures and lists); beyond them rows are not added.
const (
	tcMaxRows   = 50
	tcMaxFields = 1000
)

// The names of the test client's own form fields. They hold a dot, which
// no parameter name of a function does, so they never meet a parameter.
const (
	tcService  = "tc.service"
	tcFunction = "tc.function"
	tcProtocol = "tc.protocol"
	tcToken    = "tc.token"
	tcValue    = "tc.tokenvalue"
	tcAdd      = "tc.add"    // the list (its form name) to add an item to
	tcRemove   = "tc.remove" // the list to remove its last item from
	tcCall     = "tc.call"
	tcRowsPfx  = "tc.rows:" // tc.rows:<list name> = the number of its items shown
)

// tcField is one part of the form generated from a function's parameters:
// an input (Kind "value", or "bool" for a choice of true and false), a
// structure ("single") or a list ("multiple"), named as Moodle's REST form
// encoding names it (users[0][username]).
type tcField struct {
	Name     string // the form name
	ID       string // the element id
	Label    string // the key, or "item N" in a list
	Doc      string
	Kind     string
	Type     string // a value's PARAM type
	Required bool
	Default  string    // the default of a value that has one
	Value    string    // what was entered
	Keys     []tcField // a structure's keys
	Items    []tcField // a list's items, one per row
	Rows     int       // a list's rows
}

// RowsName is the name of the hidden field that keeps a list's rows.
func (f tcField) RowsName() string { return tcRowsPfx + f.Name }

// tcForm builds the fields of a description from the values of a form.
type tcForm struct {
	values  url.Values
	rows    map[string]int // by list name: the rows to show
	fields  int
	clipped bool // the field budget ran out
}

// newTCForm reads the rows of each list from form (tc.rows:<name>), then
// applies the add or remove button that was pressed, if any.
func newTCForm(form url.Values) *tcForm {
	f := &tcForm{values: form, rows: map[string]int{}}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, tcRowsPfx); ok && len(v) > 0 {
			if n, err := strconv.Atoi(v[0]); err == nil {
				f.rows[name] = min(max(n, 0), tcMaxRows)
			}
		}
	}
	if name := form.Get(tcAdd); name != "" {
		f.rows[name] = min(f.rowsOf(name)+1, tcMaxRows)
	}
	if name := form.Get(tcRemove); name != "" {
		f.rows[name] = max(f.rowsOf(name)-1, 0)
	}
	return f
}

// rowsOf is the rows of list name: one until the form says otherwise.
func (f *tcForm) rowsOf(name string) int {
	if n, ok := f.rows[name]; ok {
		return n
	}
	return 1
}

// fields returns the fields of the parameters d (a single structure).
func (f *tcForm) fieldsOf(d *functions.Description) []tcField {
	if d == nil {
		return nil
	}
	out := make([]tcField, 0, len(d.Keys))
	for _, k := range d.Keys {
		out = append(out, f.field(k.Desc, k.Name, k.Name))
	}
	return out
}

// field returns the field of d named name.
func (f *tcForm) field(d *functions.Description, name, label string) tcField {
	f.fields++
	fd := tcField{Name: name, ID: fieldID(name), Label: label, Doc: d.Doc, Required: d.Presence == functions.Required}
	if d.Presence == functions.Default && d.DefaultVal != nil {
		fd.Default = fmt.Sprint(d.DefaultVal)
	}
	switch d.Shape {
	case functions.SingleShape:
		fd.Kind = "single"
		for _, k := range d.Keys {
			if f.fields >= tcMaxFields {
				f.clipped = true
				break
			}
			fd.Keys = append(fd.Keys, f.field(k.Desc, name+"["+k.Name+"]", k.Name))
		}
	case functions.MultipleShape:
		fd.Kind = "multiple"
		for i := range f.rowsOf(name) {
			if f.fields >= tcMaxFields || d.Content == nil {
				f.clipped = f.clipped || d.Content != nil
				break
			}
			it := f.field(d.Content, name+"["+strconv.Itoa(i)+"]", "item "+strconv.Itoa(i+1))
			it.Required = false // an item is there or not; its keys say what it needs
			fd.Items = append(fd.Items, it)
		}
		fd.Rows = len(fd.Items)
	default:
		fd.Kind, fd.Type, fd.Value = "value", d.Type.String(), f.values.Get(name)
		if d.Type == functions.ParamBool {
			fd.Kind = "bool"
		}
	}
	return fd
}

// fieldID is the element id of the field named name: p-users-0-username
// (the page's own controls are tc-...).
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("p-")
	for _, r := range name {
		switch {
		case r == '[':
			b.WriteByte('-')
		case r == ']':
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// params reads the parameters the fields hold: empty inputs, and lists and
// structures with nothing entered, are left out; values are typed by their
// PARAM type where their text reads as it (INT, FLOAT, BOOL), else sent as
// text for the gateway to judge.
func params(fields []tcField) map[string]any {
	out := map[string]any{}
	for _, fd := range fields {
		if v, ok := fd.read(); ok {
			out[fd.Label] = v
		}
	}
	return out
}

// read returns the value the field holds, and whether it holds one.
func (fd tcField) read() (any, bool) {
	switch fd.Kind {
	case "single":
		m := map[string]any{}
		for _, k := range fd.Keys {
			if v, ok := k.read(); ok {
				m[k.Label] = v
			}
		}
		return m, len(m) > 0
	case "multiple":
		var l []any
		for _, it := range fd.Items {
			if v, ok := it.read(); ok {
				l = append(l, v)
			}
		}
		return l, len(l) > 0
	}
	if fd.Value == "" {
		return nil, false
	}
	return typed(fd.Type, fd.Value), true
}

// typed converts s to the Go type of PARAM type t where it reads as one.
func typed(t, s string) any {
	switch t {
	case functions.ParamInt.String():
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case functions.ParamFloat.String():
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return x
		}
	case functions.ParamBool.String():
		switch s {
		case "1", "true":
			return true
		case "0", "false":
			return false
		}
	}
	return s
}
