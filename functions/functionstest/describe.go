// Package functionstest builds function descriptions for tests, with Moodle's
// defaults: values accept null, structures do not.
package functionstest

import "wsgate/functions"

// Value describes a required scalar of type t.
func Value(t functions.ParamType, doc string) *functions.Description {
	return &functions.Description{Shape: functions.ValueShape, Type: t, Doc: doc, AllowNull: true}
}

// Single describes a required structure; kv alternates key names and descriptions.
func Single(doc string, kv ...any) *functions.Description {
	d := &functions.Description{Shape: functions.SingleShape, Doc: doc, Keys: []functions.Key{}}
	for i := 0; i+1 < len(kv); i += 2 {
		d.Keys = append(d.Keys, functions.Key{Name: kv[i].(string), Desc: kv[i+1].(*functions.Description)})
	}
	return d
}

// Multiple describes a required list of content.
func Multiple(doc string, content *functions.Description) *functions.Description {
	return &functions.Description{Shape: functions.MultipleShape, Doc: doc, Content: content}
}

// Optional returns a copy of d that may be absent.
func Optional(d *functions.Description) *functions.Description {
	c := *d
	c.Presence = functions.Optional
	return &c
}

// Default returns a copy of d that takes v when absent.
func Default(d *functions.Description, v any) *functions.Description {
	c := *d
	c.Presence, c.DefaultVal = functions.Default, v
	return &c
}

// NotNull returns a copy of d that refuses null.
func NotNull(d *functions.Description) *functions.Description {
	c := *d
	c.AllowNull = false
	return &c
}

// Nullable returns a copy of d that accepts null.
func Nullable(d *functions.Description) *functions.Description {
	c := *d
	c.AllowNull = true
	return &c
}
