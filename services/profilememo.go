package services

import (
	"context"
	"sync/atomic"

	"wsgate"
)

// ProfileMemo returns build's value for c's Profile, built once and kept
// with the cached user: a steady-state call finds it without building
// anything or querying. It is built again exactly when Profile would read
// something new: the user reloaded (invalidated or past the TTL), or the
// services and roles (the policy) reloaded. One value is kept per name,
// service and read-only flag; build must not keep or write the Profile's
// Functions, and the value is shared by every caller of that user and
// service: read it, never write it.
func ProfileMemo[T any](ctx context.Context, a *Authorizer, c *wsgate.Caller, name string, build func(Profile) T) (T, error) {
	pol, usr, svc, err := a.profileParts(ctx, c)
	if err != nil {
		var zero T
		return zero, err
	}
	k := memoKey{service: svc.id, readOnly: c.ReadOnly, name: name}
	if x, ok := usr.memos.get(k, pol); ok {
		if t, ok := x.(T); ok {
			return t, nil
		}
	}
	t := build(a.profileOf(c, usr, svc))
	usr.memos.put(memoEntry{key: k, pol: pol, val: t})
	return t, nil
}

// maxMemos bounds the values kept per user; past it they start again.
const maxMemos = 32

type memoKey struct {
	service  int64
	readOnly bool
	name     string
}

// memoEntry is one kept value, valid while pol is the current policy.
type memoEntry struct {
	key memoKey
	pol *policy
	val any
}

// memos is a user's kept values: an immutable slice replaced on each
// change, so readers take no lock.
type memos struct {
	p atomic.Pointer[[]memoEntry]
}

func (m *memos) get(k memoKey, pol *policy) (any, bool) {
	if l := m.p.Load(); l != nil {
		for i := range *l {
			if e := &(*l)[i]; e.key == k && e.pol == pol {
				return e.val, true
			}
		}
	}
	return nil, false
}

// put keeps e in place of any value under its key. A put racing with
// another may lose one of them; it is built again on the next call.
func (m *memos) put(e memoEntry) {
	old := m.p.Load()
	l := make([]memoEntry, 0, 4)
	if old != nil && len(*old) < maxMemos {
		for _, o := range *old {
			if o.key != e.key && o.pol == e.pol {
				l = append(l, o)
			}
		}
	}
	l = append(l, e)
	m.p.Store(&l)
}
