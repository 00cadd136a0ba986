package discovery

import "regexp"

// componentName is Moodle's PARAM_COMPONENT language: frankenstyle names such as
// core_user or local_thing, no double underscores.
var componentName = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$`)

func validComponent(s string) bool {
	if !componentName.MatchString(s) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '_' && s[i-1] == '_' {
			return false
		}
	}
	return true
}
