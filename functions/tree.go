package functions

import (
	"strings"

	"wsgate/internal/php"
)

// printR approximates PHP's print_r() for the "bad value" of a debuginfo.
func printR(x any) string {
	var b strings.Builder
	printRInto(&b, x, "")
	return b.String()
}

func printRInto(b *strings.Builder, x any, indent string) {
	sc := php.Of(x)
	if sc.Kind != php.Array && sc.Kind != php.Object {
		b.WriteString(sc.String())
		return
	}
	v, ok := viewOf(x)
	if !ok || len(indent) > 64 {
		b.WriteString("Array\n")
		return
	}
	if v.st != nil {
		b.WriteString("stdClass Object\n")
	} else {
		b.WriteString("Array\n")
	}
	b.WriteString(indent + "(\n")
	keys := v.keys()
	for _, k := range keys {
		e, _ := v.get(k)
		b.WriteString(indent + "    [" + k + "] => ")
		printRInto(b, e, indent+"        ")
		b.WriteString("\n")
	}
	b.WriteString(indent + ")\n")
}
