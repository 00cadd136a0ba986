package rest

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wsgate/functions"
)

// EncodeForm returns the parameters v as the application/x-www-form-urlencoded
// body a Moodle REST client sends (PHP's bracket names, as
// users[0][username]=...), the inverse of ParseQuery: the parameters
// declared by params in declaration order, lists numbered from 0, booleans
// as 1 and 0. A null, and a list or structure with nothing in it, sends no
// pair (a form cannot carry them); keys of v that params does not declare
// are never written. Brackets stay unescaped in names, for readability;
// everything else is escaped as url.QueryEscape does.
func EncodeForm(params *functions.Description, v map[string]any) string {
	var b strings.Builder
	if params == nil {
		return ""
	}
	for _, k := range params.Keys {
		if x, ok := v[k.Name]; ok {
			appendFormValue(&b, formName(k.Name), k.Desc, x, 0)
		}
	}
	return b.String()
}

// maxFormDepth bounds the nesting EncodeForm writes (PHP's
// max_input_nesting_level); deeper values are left out.
const maxFormDepth = 64

// formName escapes a name, keeping its brackets.
func formName(s string) string {
	return strings.NewReplacer("%5B", "[", "%5D", "]").Replace(url.QueryEscape(s))
}

// appendFormValue appends the pairs of x, named name (escaped), as d
// describes it (nil: by its Go type).
func appendFormValue(b *strings.Builder, name string, d *functions.Description, x any, depth int) {
	if depth > maxFormDepth {
		return
	}
	switch y := x.(type) {
	case nil:
		return
	case map[string]any:
		if d != nil && d.Shape == functions.SingleShape {
			for _, k := range d.Keys {
				if z, ok := y[k.Name]; ok {
					appendFormValue(b, name+"["+formName(k.Name)+"]", k.Desc, z, depth+1)
				}
			}
			return
		}
		keys := make([]string, 0, len(y))
		for k := range y {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			appendFormValue(b, name+"["+formName(k)+"]", nil, y[k], depth+1)
		}
		return
	case []any:
		var item *functions.Description
		if d != nil && d.Shape == functions.MultipleShape {
			item = d.Content
		}
		for i, z := range y {
			appendFormValue(b, name+"["+strconv.Itoa(i)+"]", item, z, depth+1)
		}
		return
	}
	if b.Len() > 0 {
		b.WriteByte('&')
	}
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(url.QueryEscape(formScalar(x)))
}

// formScalar is a leaf's text in a form.
func formScalar(x any) string {
	switch y := x.(type) {
	case string:
		return y
	case bool:
		if y {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(y, 10)
	case int:
		return strconv.Itoa(y)
	case float64:
		if math.Abs(y) < 1e21 {
			return strconv.FormatFloat(y, 'f', -1, 64)
		}
		return strconv.FormatFloat(y, 'g', -1, 64)
	}
	return fmt.Sprint(x)
}
