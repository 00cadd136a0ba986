package files

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"wsgate"
)

// Backend keeps the contents, each under the hex SHA-1 of its bytes. A
// content is staged first (read to its end, its hash learnt), then, inside
// the transaction that records its first file, promoted; the Store counts
// references in file_contents and removes a content with its last file.
type Backend interface {
	// Stage reads r to its end into a staging place and returns what it
	// holds. Past max bytes it stops, keeps nothing and returns ErrTooLarge;
	// it never writes more than max bytes.
	Stage(ctx context.Context, r io.Reader, max int64) (*Staged, error)
	// Open returns the content of hash, size bytes long, for reading and seeking.
	Open(ctx context.Context, hash string, size int64) (io.ReadSeekCloser, error)

	// promote makes s the content of its hash, inside tx.
	promote(ctx context.Context, tx *sql.Tx, s *Staged) error
	// discard removes what Stage kept for s (after a failure, or when the content was already there).
	discard(s *Staged)
	// remove deletes the content of hash inside tx; done is called once tx
	// has ended, with whether it committed.
	remove(ctx context.Context, tx *sql.Tx, hash string) (done func(committed bool), err error)
	// sweep removes staged contents older than before (left by a crash);
	// a removed content older than that whose hash is still referenced (a
	// crash before its delete committed) is put back.
	sweep(ctx context.Context, before int64, referenced func(hash string) (bool, error)) error
}

// Staged is a content read to its end and kept aside until a file records it.
type Staged struct {
	Hash string // hex SHA-1 of the content
	Size int64
	key  string // where the backend keeps it: a temporary file or a staging key
	done bool   // promoted or discarded
}

// ErrTooLarge refuses a content longer than the limit Stage was given.
var ErrTooLarge = &wsgate.Error{Kind: wsgate.Invalid, Exception: "file_exception", Code: "maxbytes",
	Message: "This file is bigger than the maximum size"}

// ErrContentMissing is returned by Open when a recorded content is not in the backend.
var ErrContentMissing = errors.New("files: content missing from the backend")

// limitedHasher copies r to w, hashing, and fails with ErrTooLarge rather than
// write byte max+1. buf sets the size of each write.
func limitedHasher(w io.Writer, r io.Reader, max int64, buf []byte) (sum string, n int64, err error) {
	h := sha1.New()
	for {
		m, eof, rerr := fill(r, buf)
		if rerr != nil {
			return "", n, rerr
		}
		if m > 0 {
			if n+int64(m) > max {
				return "", n, ErrTooLarge
			}
			if err := write(w, h, buf[:m]); err != nil {
				return "", n, err
			}
			n += int64(m)
		}
		if eof {
			return hex.EncodeToString(h.Sum(nil)), n, nil
		}
	}
}

// fill reads into buf until it is full or r ends (eof); any error but
// io.EOF, io.ErrUnexpectedEOF from a cut body included, is returned.
func fill(r io.Reader, buf []byte) (n int, eof bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, true, nil
		} else if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

func write(w io.Writer, h hash.Hash, p []byte) error {
	h.Write(p)
	_, err := w.Write(p)
	return err
}

// randomKey is a fresh name for a staged content.
func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
