// Package paramclean is Moodle's clean_param() rules and the PHP string
// behaviour they rest on (trim, casts, strip_tags, UTF-8 repair, PCRE's
// classes), one function per PARAM_* rule. It knows nothing of descriptions:
// functions.Clean dispatches a ParamType to these rules, and the validator
// uses the same predicates, so a value validation accepts is exactly one
// these rules leave unchanged.
package paramclean
