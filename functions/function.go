package functions

import "time"

// Function is one external function as declared in a component's manifest and
// stored in the external_functions table (Moodle's $functions entry).
type Function struct {
	Name         string       // global name, e.g. core_user_create_users
	Component    string       // owning component, e.g. core_user
	ClassName    string       // implementation class, the registry key with MethodName
	MethodName   string       // implementation method; "execute" when the manifest leaves it out
	ClassPath    string       // informational, kept for Moodle compatibility
	Description  string       // human description shown in docs and pickers
	Type         string       // "read" or "write", informational
	Capabilities []string     // informational capability names
	Services     []string     // built-in service shortnames the function injects itself into
	Deprecated   bool         // still callable, flagged in docs and pickers
	Destructive  bool         // a write function that may destroy data (MCP's destructiveHint)
	Params       *Description // the parameters: a single structure, keys in positional order
	Returns      *Description // the result; nil means void
	Upstream     *Upstream    // when set, calls go to this HTTP endpoint instead of Go code
}

// Upstream is an HTTP endpoint implementing a function outside the gateway.
type Upstream struct {
	URL     string        // http(s) URL the cleaned parameters are posted to
	Timeout time.Duration // deadline of one call
}
