package functions

import "sync/atomic"

// Kept is a result an implementation keeps and hands back on many calls
// (an answer memoised with a cache), never written once made. CleanReturn
// cleans it the first time it sees it and from then on returns what that
// gave, without walking the value again; a value that fails cleaning fails
// every time. Make a new Kept for a new value.
type Kept struct {
	value   any
	cleaned atomic.Pointer[keptClean]
}

// keptClean is what cleaning a Kept value against d with val gave.
type keptClean struct {
	val *Validator
	d   *Description
	out any
	err error
}

// Keep wraps v, which nothing writes from now on, for CleanReturn to clean once.
func Keep(v any) *Kept { return &Kept{value: v} }

// Value is the value as the implementation made it.
func (k *Kept) Value() any { return k.value }

// clean is CleanReturn of k's value against d by val, computed the first
// time and whenever val or d differ from the last time.
func (k *Kept) clean(val *Validator, d *Description) (any, error) {
	if c := k.cleaned.Load(); c != nil && c.val == val && c.d == d {
		return c.out, c.err
	}
	out, err := val.CleanReturn(d, k.value)
	k.cleaned.Store(&keptClean{val: val, d: d, out: out, err: err})
	return out, err
}
