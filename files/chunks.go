package files

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"

	"wsgate/internal/db"
)

// ChunkSize is the size of one file_chunks row of the Chunks backend.
const ChunkSize = 1 << 20

// Chunks keeps contents in the database, in file_chunks rows of ChunkSize
// bytes, so that every instance on one PostgreSQL serves every file with
// nothing else shared. A staged content is written chunk by chunk under a
// staging key (one chunk in memory at a time) and promoted by renaming its key.
type Chunks struct {
	db  *db.DB
	now func() time.Time
}

// NewChunks returns the database backend over d.
func NewChunks(d *db.DB) *Chunks { return &Chunks{db: d, now: time.Now} }

// chunkWriter inserts each write as the next chunk.
type chunkWriter struct {
	ctx context.Context
	c   *Chunks
	key string
	seq int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	_, err := w.c.db.ExecContext(w.ctx, `INSERT INTO file_chunks (contentkey, seq, data, timecreated) VALUES ($1, $2, $3, $4)`,
		w.key, w.seq, p, w.c.now().Unix())
	if err != nil {
		return 0, db.Translate(err)
	}
	w.seq++
	return len(p), nil
}

// Stage writes r as chunks under a fresh staging key.
func (c *Chunks) Stage(ctx context.Context, r io.Reader, max int64) (*Staged, error) {
	w := &chunkWriter{ctx: ctx, c: c, key: "staging:" + randomKey()}
	sum, n, err := limitedHasher(w, r, max, make([]byte, ChunkSize))
	s := &Staged{Hash: sum, Size: n, key: w.key}
	if err != nil {
		c.discard(s)
		return nil, err
	}
	return s, nil
}

func (c *Chunks) promote(ctx context.Context, tx *sql.Tx, s *Staged) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE contentkey = $1`, s.Hash); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE file_chunks SET contentkey = $1 WHERE contentkey = $2`, s.Hash, s.key); err != nil {
		return err
	}
	s.done = true
	return nil
}

func (c *Chunks) discard(s *Staged) {
	if s.done {
		return
	}
	s.done = true
	// A fresh context: the request's may be over; a failure leaves rows the sweep removes.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = c.db.ExecContext(ctx, `DELETE FROM file_chunks WHERE contentkey = $1`, s.key)
}

func (c *Chunks) remove(ctx context.Context, tx *sql.Tx, hash string) (func(bool), error) {
	_, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE contentkey = $1`, hash)
	return func(bool) {}, err
}

func (c *Chunks) sweep(ctx context.Context, before int64, _ func(string) (bool, error)) error {
	_, err := c.db.ExecContext(ctx, `DELETE FROM file_chunks WHERE contentkey LIKE 'staging:%' AND timecreated < $1`, before)
	return err
}

// Open returns a reader that loads one chunk at a time.
func (c *Chunks) Open(ctx context.Context, hash string, size int64) (io.ReadSeekCloser, error) {
	if size > 0 {
		var one int
		err := c.db.QueryRowContext(ctx, `SELECT 1 FROM file_chunks WHERE contentkey = $1 AND seq = 0`, hash).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrContentMissing
		} else if err != nil {
			return nil, err
		}
	}
	return &chunkReader{ctx: ctx, c: c, hash: hash, size: size, seq: -1}, nil
}

// chunkReader reads a content chunk by chunk, keeping the current one.
type chunkReader struct {
	ctx  context.Context
	c    *Chunks
	hash string
	size int64
	off  int64
	seq  int    // the chunk in buf, -1 for none
	buf  []byte // chunk seq
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	seq := int(r.off / ChunkSize)
	if seq != r.seq {
		r.buf = r.buf[:0]
		err := r.c.db.QueryRowContext(r.ctx, `SELECT data FROM file_chunks WHERE contentkey = $1 AND seq = $2`, r.hash, seq).Scan(&r.buf)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrContentMissing
		} else if err != nil {
			return 0, err
		}
		r.seq = seq
	}
	start := r.off - int64(seq)*ChunkSize
	if start >= int64(len(r.buf)) {
		return 0, ErrContentMissing
	}
	n := copy(p, r.buf[start:])
	r.off += int64(n)
	return n, nil
}

func (r *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return 0, errors.New("files: seek before the start")
	}
	r.off = offset
	return offset, nil
}

func (r *chunkReader) Close() error { return nil }
