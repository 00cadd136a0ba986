package functions

import (
	"sync"
	"sync/atomic"
)

// Kept is a result an implementation keeps and hands back on many calls
// (an answer memoised with a cache), never written once made. CleanReturn
// cleans it the first time it sees it and from then on returns what that
// gave, without walking the value again; a value that fails cleaning fails
// every time. Make a new Kept for a new value.
type Kept struct {
	value   any
	cleaned atomic.Pointer[keptClean]
}

// keptClean is what cleaning a Kept value against d with val gave, and the
// encodings of that outcome the protocols kept.
type keptClean struct {
	val *Validator
	d   *Description
	out any
	err error
	enc *Encodings
}

// Keep wraps v, which nothing writes from now on, for CleanReturn to clean once.
func Keep(v any) *Kept { return &Kept{value: v} }

// Value is the value as the implementation made it.
func (k *Kept) Value() any { return k.value }

// clean is CleanReturn of k's value against d by val, computed the first
// time and whenever val or d differ from the last time, with the encodings
// kept for that outcome.
func (k *Kept) clean(val *Validator, d *Description) (any, *Encodings, error) {
	if c := k.cleaned.Load(); c != nil && c.val == val && c.d == d {
		return c.out, c.enc, c.err
	}
	out, err := val.CleanReturn(d, k.value)
	c := &keptClean{val: val, d: d, out: out, err: err}
	if err == nil {
		c.enc = &Encodings{}
	}
	k.cleaned.Store(c)
	return c.out, c.enc, c.err
}

// CleanReturnKept is CleanReturn that also gives, for a *Kept result, the
// Encodings of its cleaned outcome, where a protocol keeps the bytes it
// encoded the outcome to; for any other result the Encodings are nil.
func (val *Validator) CleanReturnKept(d *Description, v any) (any, *Encodings, error) {
	if k, ok := v.(*Kept); ok && d != nil {
		return k.clean(val, d)
	}
	out, err := val.CleanReturn(d, v)
	return out, nil, err
}

// CleanReturnKept is Validator.CleanReturnKept with the default options.
func CleanReturnKept(d *Description, v any) (any, *Encodings, error) {
	return defaultValidator.CleanReturnKept(d, v)
}

// maxEncodings bounds the forms one kept answer holds: an encoding whose key
// comes from the request (a SOAP answer names the URL it was called at) is
// built anew once the bound is reached, never kept.
const maxEncodings = 32

// Encodings holds the encoded forms of one kept, cleaned answer, by the
// encoder's key (its format and whatever else shapes the bytes). The zero
// value is ready; a nil *Encodings keeps nothing.
type Encodings struct {
	mu    sync.RWMutex
	forms map[any][]byte
}

// Bytes returns the form kept under key, or what build returns, kept under
// key while fewer than maxEncodings forms are. The bytes are shared: nobody
// writes them, and build must return a slice nothing else holds.
func (e *Encodings) Bytes(key any, build func() []byte) []byte {
	if e == nil {
		return build()
	}
	e.mu.RLock()
	b, ok := e.forms[key]
	e.mu.RUnlock()
	if ok {
		return b
	}
	b = build()
	e.mu.Lock()
	defer e.mu.Unlock()
	if kept, ok := e.forms[key]; ok {
		return kept
	}
	if len(e.forms) < maxEncodings {
		if e.forms == nil {
			e.forms = make(map[any][]byte)
		}
		e.forms[key] = b
	}
	return b
}
