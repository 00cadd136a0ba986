package services

import (
	"slices"
	"strings"
)

// Protocols are the names of the protocols a call can come over, in the
// order pages and documents list them.
var Protocols = []string{"rest", "xmlrpc", "soap", "mcp"}

// SplitProtocols reads a stored protocol list ("rest,mcp"); "" is the empty
// list (no protocol), never nil.
func SplitProtocols(s string) []string {
	out := []string{}
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ValidateProtocols checks that every name in list is one of Protocols.
func ValidateProtocols(list []string) error {
	for _, p := range list {
		if !slices.Contains(Protocols, p) {
			return invalidf("unknown protocol %q (known: %s)", p, strings.Join(Protocols, ", "))
		}
	}
	return nil
}

// protocolsColumn is list as stored: NULL for nil (every protocol the site
// enables), the names joined with commas otherwise.
func protocolsColumn(list []string) any {
	if list == nil {
		return nil
	}
	return strings.Join(list, ",")
}
