package functions

// Presence says whether a key must be sent (Moodle's VALUE_REQUIRED,
// VALUE_OPTIONAL, VALUE_DEFAULT).
type Presence uint8

// Presence values.
const (
	Required Presence = iota // the key must be present
	Optional                 // the key may be absent and stays absent
	Default                  // when absent, Default is validated and inserted
)

// Shape is the kind of a description node.
type Shape uint8

// Shapes of description nodes (Moodle's external_value, external_single_structure,
// external_multiple_structure).
const (
	ValueShape Shape = iota
	SingleShape
	MultipleShape
)

// Description describes one value going in or out of a function: a scalar of a
// PARAM type, a single structure of ordered named keys, or a multiple
// structure (a list of Content).
type Description struct {
	Shape      Shape
	Type       ParamType // ValueShape only: the PARAM type
	Doc        string    // human description
	Presence   Presence
	DefaultVal any          // with Presence == Default: the default value (nil allowed)
	AllowNull  bool         // null accepted; Moodle's default: true for values, false for structures
	Keys       []Key        // SingleShape: in declaration order
	Content    *Description // MultipleShape: the item description
}

// Key is one named member of a single structure.
type Key struct {
	Name string
	Desc *Description
}
