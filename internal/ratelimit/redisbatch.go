package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The batcher sends the Takes of concurrent calls to Redis together: each
// of its senders takes the waiting requests (up to maxBatch) and runs their
// scripts in one pipeline, one round trip for all of them. Alone, a Take
// still costs one round trip; under load, a round trip serves many calls, so
// the gateway makes far fewer system calls per call.
const (
	batchSenders = 4
	maxBatch     = 64
)

// takeRequest is one Take waiting for its batch.
type takeRequest struct {
	keys []string
	args []any
	done chan takeResult // buffered: a sender never waits for a caller gone
}

type takeResult struct {
	counts []int64
	err    error
}

// batcher runs the senders over client.
type batcher struct {
	client  *redis.Client
	timeout time.Duration
	queue   chan *takeRequest
	stop    chan struct{}
	wg      sync.WaitGroup
}

func newBatcher(client *redis.Client, timeout time.Duration) *batcher {
	b := &batcher{client: client, timeout: timeout, queue: make(chan *takeRequest, maxBatch*batchSenders),
		stop: make(chan struct{})}
	b.wg.Add(batchSenders)
	for range batchSenders {
		go b.send()
	}
	return b
}

// take runs the script for keys and args in the next batch.
func (b *batcher) take(ctx context.Context, keys []string, args []any) ([]int64, error) {
	req := &takeRequest{keys: keys, args: args, done: make(chan takeResult, 1)}
	select {
	case b.queue <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-b.stop:
		return nil, redis.ErrClosed
	}
	select {
	case r := <-req.done:
		return r.counts, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// send takes the waiting requests and answers them, until close.
func (b *batcher) send() {
	defer b.wg.Done()
	batch := make([]*takeRequest, 0, maxBatch)
	for {
		select {
		case req := <-b.queue:
			batch = append(batch[:0], req)
		case <-b.stop:
			b.drain()
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case req := <-b.queue:
				batch = append(batch, req)
			default:
				break more
			}
		}
		b.run(batch)
	}
}

// run sends one batch in a pipeline of EVALSHA; when Redis does not know
// the script (a restart, a flush), it loads it and sends the batch again.
func (b *batcher) run(batch []*takeRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	cmds, err := b.pipeline(ctx, batch)
	if err != nil && isNoScript(err) {
		if err = takeScript.Load(ctx, b.client).Err(); err == nil {
			cmds, err = b.pipeline(ctx, batch)
		}
	}
	for i, req := range batch {
		if cerr := cmds[i].Err(); cerr != nil {
			req.done <- takeResult{err: cerr}
			continue
		}
		if err != nil {
			req.done <- takeResult{err: err}
			continue
		}
		counts, cerr := cmds[i].Int64Slice()
		req.done <- takeResult{counts: counts, err: cerr}
	}
}

func (b *batcher) pipeline(ctx context.Context, batch []*takeRequest) ([]*redis.Cmd, error) {
	pipe := b.client.Pipeline()
	cmds := make([]*redis.Cmd, len(batch))
	for i, req := range batch {
		cmds[i] = takeScript.EvalSha(ctx, pipe, req.keys, req.args...)
	}
	_, err := pipe.Exec(ctx)
	if err != nil && !isNoScript(err) {
		return cmds, fmt.Errorf("pipeline of %d: %w", len(batch), err)
	}
	return cmds, err
}

func isNoScript(err error) bool { return redis.HasErrorPrefix(err, "NOSCRIPT") }

// drain answers the requests still queued when the batcher closes.
func (b *batcher) drain() {
	for {
		select {
		case req := <-b.queue:
			req.done <- takeResult{err: redis.ErrClosed}
		default:
			return
		}
	}
}

// close stops the senders; Takes after it fail.
func (b *batcher) close() {
	close(b.stop)
	b.wg.Wait()
}
