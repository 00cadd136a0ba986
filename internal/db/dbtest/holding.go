package dbtest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"

	"wsgate/internal/db"
)

// Holding counts the statements whose SQL contains Match and, while held,
// stops each of them before it runs until Release: a test can see how many
// requests reached a statement (a password check, say) while they are all
// still in flight, without sleeping. Use Wrap with services.WithQuerier.
type Holding struct {
	Match string
	// N counts the matching statements.
	N atomic.Int64
	// Entered receives one value per matching statement that is held.
	Entered chan struct{}

	mu      sync.Mutex
	release chan struct{} // nil: not held
}

// NewHolding returns a Holding of the statements containing match, not held.
func NewHolding(match string) *Holding {
	return &Holding{Match: match, Entered: make(chan struct{}, 1024)}
}

// Hold makes the next matching statements wait for Release.
func (h *Holding) Hold() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.release = make(chan struct{})
}

// Release lets the held statements run, and the next ones run at once.
func (h *Holding) Release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.release != nil {
		close(h.release)
		h.release = nil
	}
}

// Wrap is the wrapper for services.WithQuerier.
func (h *Holding) Wrap(q db.Querier) db.Querier { return holdingQuerier{Querier: q, h: h} }

// pass counts query when it matches and waits while held.
func (h *Holding) pass(query string) {
	if !strings.Contains(query, h.Match) {
		return
	}
	h.N.Add(1)
	h.mu.Lock()
	wait := h.release
	h.mu.Unlock()
	if wait != nil {
		h.Entered <- struct{}{}
		<-wait
	}
}

// Race runs the calls of each wave at once, with the matching statements
// held: the first wave, then, once each of its calls has either reached a
// held statement or returned, the next wave, and so on. Then it releases the
// statements, waits for every call and returns how many reached a held
// statement. A call records its own answer.
func (h *Holding) Race(waves ...[]func()) (reached int) {
	h.Hold()
	var wg sync.WaitGroup
	total := 0
	for _, w := range waves {
		total += len(w)
	}
	returned := make(chan struct{}, total)
	settled := 0
	for _, wave := range waves {
		for _, call := range wave {
			wg.Add(1)
			go func() {
				defer wg.Done()
				call()
				returned <- struct{}{}
			}()
		}
		for settled < len(wave) {
			select {
			case <-h.Entered:
				reached++
			case <-returned:
			}
			settled++
		}
		settled = 0
	}
	h.Release()
	wg.Wait()
	return reached
}

type holdingQuerier struct {
	db.Querier
	h *Holding
}

func (q holdingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.h.pass(query)
	return q.Querier.ExecContext(ctx, query, args...)
}

func (q holdingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.h.pass(query)
	return q.Querier.QueryContext(ctx, query, args...)
}

func (q holdingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	q.h.pass(query)
	return q.Querier.QueryRowContext(ctx, query, args...)
}
