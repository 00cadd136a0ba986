package mcp

import (
	"context"
	"time"

	"wsgate"
	"wsgate/services"
)

// refreshTimeout bounds one pass over the open sessions.
const refreshTimeout = 30 * time.Second

// Invalidated is told of every change the authorizer drops from its cache
// (register it with services.Authorizer.OnInvalidate). It does not block:
// the open sessions' tools are computed again on a goroutine of their own,
// once for any number of changes that arrive meanwhile.
func (h *Handler) Invalidated(services.Change) {
	h.dirty.Store(true)
	if h.refreshing.CompareAndSwap(false, true) {
		go h.refreshLoop()
	}
}

func (h *Handler) refreshLoop() {
	for {
		for h.dirty.Swap(false) {
			h.refreshAll()
		}
		h.refreshing.Store(false)
		// A change that came after the last pass and before the flag fell
		// found the loop running: take it over, unless another did.
		if !h.dirty.Load() || !h.refreshing.CompareAndSwap(false, true) {
			return
		}
	}
}

// refreshAll gives every open session the tools its token may call now. A
// session whose token or service is refused is closed; when the store
// cannot be read a session keeps its tools.
func (h *Handler) refreshAll() {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	h.mu.Lock()
	open := make([]*session, 0, len(h.sessions))
	for id, s := range h.sessions {
		if s.connected() {
			open = append(open, s)
		} else {
			delete(h.sessions, id)
		}
	}
	h.mu.Unlock()
	for _, s := range open {
		call := s.call("")
		if err := h.check(ctx, call.Token, call.RemoteIP); err != nil {
			if wsgate.KindOf(err) != wsgate.Unavailable {
				h.end(s)
			}
			continue
		}
		fns, err := h.opts.Pipeline.Callable(ctx, call)
		if err != nil && !refusedAll(err) {
			h.log.Warn("mcp: refreshing tools", "errorcode", wsgate.CodeOf(err), "error", err.Error())
			continue
		}
		h.setTools(s, fns)
	}
}
