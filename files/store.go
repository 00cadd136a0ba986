package files

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"io"
	"time"

	"wsgate"
	"wsgate/internal/db"
)

// Store is the files table over a content Backend.
type Store struct {
	db      *db.DB
	content Backend
	now     func() time.Time
}

// NewStore returns the file store of d with contents in b.
func NewStore(d *db.DB, b Backend) *Store { return &Store{db: d, content: b, now: time.Now} }

// SetClock replaces the clock (for tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// ErrQuota refuses an upload that would take the user past files.user_quota.
var ErrQuota = &wsgate.Error{Kind: wsgate.Forbidden, Exception: "file_exception", Code: "userquotalimit",
	Message: "You have reached your file quota limit."}

// ErrFileExists is the error of a file whose path is already taken.
var ErrFileExists = &wsgate.Error{Kind: wsgate.Conflict, Exception: "file_exception", Code: "filenameexist",
	Message: "File name already exists: %s"}

// Stage reads one content to its end, at most max bytes (see Backend.Stage).
func (s *Store) Stage(ctx context.Context, r io.Reader, max int64) (*Staged, error) {
	return s.content.Stage(ctx, r, max)
}

// Discard drops staged contents that will not be added.
func (s *Store) Discard(staged ...*Staged) {
	for _, st := range staged {
		if st != nil {
			s.content.discard(st)
		}
	}
}

// NewFile is a file to add: its record (ContentHash, FileSize and the
// hashes are filled in) and its staged content.
type NewFile struct {
	Record
	Content *Staged
}

// AddOptions bound an Add: with Quota above 0, the user QuotaUser may not
// hold more than Quota bytes of files afterwards.
type AddOptions struct {
	QuotaUser int64
	Quota     int64
}

// Add records files in one transaction. A file whose path is taken is not
// added: its index comes back in taken. On error nothing is added. Every
// staged content is consumed: promoted, or discarded.
func (s *Store) Add(ctx context.Context, items []NewFile, opts AddOptions) (added []Record, taken []int, err error) {
	defer func() {
		for _, it := range items {
			if err != nil {
				it.Content.done = false // rolled back: what promote moved is staged again
			}
			s.content.discard(it.Content)
		}
	}()
	now := s.now().Unix()
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		added, taken = nil, nil
		if opts.Quota > 0 {
			var total, used int64
			for _, it := range items {
				total += it.Content.Size
			}
			if err := s.db.LockTx(ctx, tx, db.LockUserFiles, opts.QuotaUser); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(filesize), 0) FROM files WHERE userid = $1`,
				opts.QuotaUser).Scan(&used); err != nil {
				return err
			}
			if total > 0 && used+total > opts.Quota {
				return ErrQuota
			}
		}
		for i, it := range items {
			r := it.Record
			r.ContentHash, r.FileSize = it.Content.Hash, it.Content.Size
			r.PathnameHash = PathnameHash(r.Area, r.FilePath, r.FileName)
			r.TimeCreated, r.TimeModified = now, now
			var exists int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE pathnamehash = $1`, r.PathnameHash).Scan(&exists)
			if err == nil {
				taken = append(taken, i)
				continue
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := s.ref(ctx, tx, it.Content); err != nil {
				return err
			}
			if err := insert(ctx, tx, &r); err != nil {
				return err
			}
			added = append(added, r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, taken, nil
}

// ref counts one more file of st's content, promoting st when it is the first.
func (s *Store) ref(ctx context.Context, tx *sql.Tx, st *Staged) error {
	var refs int64
	err := tx.QueryRowContext(ctx, `INSERT INTO file_contents (contenthash, filesize, refcount) VALUES ($1, $2, 1)
		ON CONFLICT (contenthash) DO UPDATE SET refcount = file_contents.refcount + 1 RETURNING refcount`,
		st.Hash, st.Size).Scan(&refs)
	if err != nil {
		return err
	}
	if refs == 1 {
		return s.content.promote(ctx, tx, st)
	}
	return nil
}

// unref counts one file fewer of hash, removing the content with its last file.
func (s *Store) unref(ctx context.Context, tx *sql.Tx, hash string) (func(bool), error) {
	var refs int64
	err := tx.QueryRowContext(ctx, `UPDATE file_contents SET refcount = refcount - 1 WHERE contenthash = $1 RETURNING refcount`,
		hash).Scan(&refs)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && refs > 0) {
		return func(bool) {}, nil
	} else if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM file_contents WHERE contenthash = $1`, hash); err != nil {
		return nil, err
	}
	return s.content.remove(ctx, tx, hash)
}

const columns = `id, contenthash, pathnamehash, contextid, component, filearea, itemid, filepath, filename,
	COALESCE(userid, 0), filesize, COALESCE(mimetype, ''), timecreated, timemodified, COALESCE(author, ''), COALESCE(license, '')`

func insert(ctx context.Context, tx *sql.Tx, r *Record) error {
	return tx.QueryRowContext(ctx, `INSERT INTO files (contenthash, pathnamehash, contextid, component, filearea, itemid,
		filepath, filename, userid, filesize, mimetype, timecreated, timemodified, author, license)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		r.ContentHash, r.PathnameHash, r.ContextID, r.Component, r.FileArea, r.ItemID, r.FilePath, r.FileName,
		r.UserID, r.FileSize, r.MimeType, r.TimeCreated, r.TimeModified, r.Author, r.License).Scan(&r.ID)
}

type scanner interface{ Scan(dest ...any) error }

func scan(row scanner, r *Record) error {
	return row.Scan(&r.ID, &r.ContentHash, &r.PathnameHash, &r.ContextID, &r.Component, &r.FileArea, &r.ItemID,
		&r.FilePath, &r.FileName, &r.UserID, &r.FileSize, &r.MimeType, &r.TimeCreated, &r.TimeModified, &r.Author, &r.License)
}

// Get returns the file at a path, or wsgate.ErrNotFound.
func (s *Store) Get(ctx context.Context, a Area, filepath, filename string) (Record, error) {
	var r Record
	err := scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM files WHERE pathnamehash = $1`,
		PathnameHash(a, filepath, filename)), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return r, wsgate.ErrNotFound.WithDebug("no such file")
	}
	return r, err
}

// List returns the files of an area, by path and name.
func (s *Store) List(ctx context.Context, a Area) ([]Record, error) {
	return s.query(ctx, s.db, `SELECT `+columns+` FROM files WHERE contextid = $1 AND component = $2 AND filearea = $3
		AND itemid = $4 ORDER BY filepath, filename`, a.ContextID, a.Component, a.FileArea, a.ItemID)
}

// UserFiles returns every file of a user, by area, path and name.
func (s *Store) UserFiles(ctx context.Context, userID int64) ([]Record, error) {
	return s.query(ctx, s.db, `SELECT `+columns+` FROM files WHERE userid = $1
		ORDER BY component, filearea, itemid, filepath, filename`, userID)
}

// Usage is the bytes of files a user holds (what files.user_quota bounds).
func (s *Store) Usage(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(filesize), 0) FROM files WHERE userid = $1`, userID).Scan(&n)
	return n, err
}

// ItemUsed reports whether an item of an area holds any file.
func (s *Store) ItemUsed(ctx context.Context, a Area) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM files WHERE contextid = $1 AND component = $2 AND filearea = $3
		AND itemid = $4 LIMIT 1`, a.ContextID, a.Component, a.FileArea, a.ItemID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (s *Store) query(ctx context.Context, q db.Querier, query string, args ...any) ([]Record, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := scan(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Open returns the content of r.
func (s *Store) Open(ctx context.Context, r Record) (io.ReadSeekCloser, error) {
	return s.content.Open(ctx, r.ContentHash, r.FileSize)
}

// Delete removes files by id in one transaction, and each content with its last file.
func (s *Store) Delete(ctx context.Context, ids ...int64) error {
	var after []func(bool)
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		after = nil
		for _, id := range ids {
			f, err := s.deleteTx(ctx, tx, id)
			if err != nil {
				return err
			}
			after = append(after, f)
		}
		return nil
	})
	for _, f := range after {
		f(err == nil)
	}
	return err
}

func (s *Store) deleteTx(ctx context.Context, tx *sql.Tx, id int64) (func(bool), error) {
	var hash string
	err := tx.QueryRowContext(ctx, `DELETE FROM files WHERE id = $1 RETURNING contenthash`, id).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return func(bool) {}, nil
	} else if err != nil {
		return nil, err
	}
	return s.unref(ctx, tx, hash)
}

// maxItemID bounds the draft item ids UnusedDraftItemID hands out, as Moodle's.
const maxItemID = 999999999

// UnusedDraftItemID returns a draft item id of the user that holds no file
// (Moodle's file_get_unused_draft_itemid: a random one, tried until free).
func (s *Store) UnusedDraftItemID(ctx context.Context, userID int64) (int64, error) {
	for {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := int64(binary.BigEndian.Uint64(b[:])%maxItemID) + 1
		used, err := s.ItemUsed(ctx, DraftArea(userID, id))
		if err != nil || !used {
			return id, err
		}
	}
}
