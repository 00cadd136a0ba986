package files

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Disk keeps contents as files under a directory, in Moodle's filedir
// layout (ab/cd/abcd...); staged contents wait in tmp/, removed ones pass
// through trash/ until their transaction commits. Writes are atomic: a
// temporary file, fsync, rename, then fsync of the directory. Disk suits
// one instance (or a directory every instance shares).
type Disk struct {
	dir string
}

// NewDisk opens (creating) the content directory dir.
func NewDisk(dir string) (*Disk, error) {
	for _, sub := range []string{"", "tmp", "trash"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("files.dir: %w", err)
		}
	}
	return &Disk{dir: dir}, nil
}

// path is where the content of hash lives.
func (d *Disk) path(hash string) string {
	return filepath.Join(d.dir, hash[0:2], hash[2:4], hash)
}

// Stage writes r to a temporary file, synced to disk.
func (d *Disk) Stage(_ context.Context, r io.Reader, max int64) (*Staged, error) {
	f, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), "upload-")
	if err != nil {
		return nil, err
	}
	sum, n, err := limitedHasher(f, r, max, make([]byte, 64<<10))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &Staged{Hash: sum, Size: n, key: f.Name()}, nil
}

// Open opens the content file.
func (d *Disk) Open(_ context.Context, hash string, _ int64) (io.ReadSeekCloser, error) {
	if !validHash(hash) {
		return nil, ErrContentMissing
	}
	f, err := os.Open(d.path(hash))
	if os.IsNotExist(err) {
		return nil, ErrContentMissing
	}
	return f, err
}

func (d *Disk) promote(_ context.Context, _ *sql.Tx, s *Staged) error {
	dst := d.path(s.Hash)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if err := os.Rename(s.key, dst); err != nil {
		return err
	}
	s.done = true
	return syncDir(filepath.Dir(dst))
}

func (d *Disk) discard(s *Staged) {
	if !s.done {
		os.Remove(s.key)
		s.done = true
	}
}

func (d *Disk) remove(_ context.Context, _ *sql.Tx, hash string) (func(bool), error) {
	src := d.path(hash)
	trash := filepath.Join(d.dir, "trash", hash+"."+randomKey())
	if err := os.Rename(src, trash); os.IsNotExist(err) {
		return func(bool) {}, nil
	} else if err != nil {
		return nil, err
	}
	return func(committed bool) {
		if committed {
			os.Remove(trash)
			return
		}
		_ = os.Rename(trash, src)
	}, nil
}

func (d *Disk) sweep(_ context.Context, before int64, referenced func(string) (bool, error)) error {
	for _, sub := range []string{"tmp", "trash"} {
		entries, err := os.ReadDir(filepath.Join(d.dir, sub))
		if err != nil {
			return err
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(time.Unix(before, 0)) {
				continue
			}
			p := filepath.Join(d.dir, sub, e.Name())
			if hash, _, _ := strings.Cut(e.Name(), "."); sub == "trash" && validHash(hash) {
				keep, err := referenced(hash)
				if err != nil {
					return err
				}
				if keep {
					if err := d.restore(p, hash); err != nil {
						return err
					}
					continue
				}
			}
			os.Remove(p)
		}
	}
	return nil
}

// restore puts a removed content back where its hash says.
func (d *Disk) restore(trashed, hash string) error {
	dst := d.path(hash)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil {
		return os.Remove(trashed)
	}
	return os.Rename(trashed, dst)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// validHash reports whether s looks like a hex SHA-1 (it names a path).
func validHash(s string) bool {
	return len(s) == 40 && strings.Trim(s, "0123456789abcdef") == ""
}
