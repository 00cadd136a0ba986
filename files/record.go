package files

import (
	"crypto/sha1"
	"encoding/hex"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"wsgate"
)

// Area names a file area as Moodle does: a context, the owning component,
// the area and an item in it.
type Area struct {
	ContextID int64
	Component string
	FileArea  string
	ItemID    int64
}

// Record is one row of the files table.
type Record struct {
	ID int64
	Area
	ContentHash  string
	PathnameHash string
	FilePath     string // starts and ends with "/"
	FileName     string
	UserID       int64
	FileSize     int64
	MimeType     string
	TimeCreated  int64
	TimeModified int64
	Author       string
	License      string
}

// UserContextID is the context of a user's own areas (draft, private, icon).
// The gateway keeps no context table: a user's context id is the user's id.
func UserContextID(userID int64) int64 { return userID }

// User areas shipped with the gateway (component "user", as Moodle's).
const (
	ComponentUser = "user"
	AreaDraft     = "draft"
	AreaPrivate   = "private"
	AreaIcon      = "icon"
)

// DraftArea is the draft item itemID of user userID.
func DraftArea(userID, itemID int64) Area {
	return Area{ContextID: UserContextID(userID), Component: ComponentUser, FileArea: AreaDraft, ItemID: itemID}
}

// PathnameHash is Moodle's file_storage::get_pathname_hash: the SHA-1 of
// "/contextid/component/filearea/itemid" followed by filepath and filename.
func PathnameHash(a Area, filepath, filename string) string {
	var b strings.Builder
	b.WriteString("/")
	b.WriteString(strconv.FormatInt(a.ContextID, 10))
	b.WriteString("/" + a.Component + "/" + a.FileArea + "/")
	b.WriteString(strconv.FormatInt(a.ItemID, 10))
	b.WriteString(filepath)
	b.WriteString(filename)
	sum := sha1.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// ErrBadPath refuses a file path or name that is not a plain name: "..",
// NUL and other control characters, backslashes and the like.
var ErrBadPath = wsgate.ErrInvalidParameter

// forbidden are the characters Moodle's PARAM_FILE removes; the gateway refuses them instead.
const forbidden = "\\/:;\"*?<>|"

// CheckFileName refuses a file name that is empty, too long, not UTF-8,
// "." or "..", or holds a control character or one of \/:;"*?<>|.
func CheckFileName(name string) error {
	switch {
	case name == "", name == ".", name == "..":
		return ErrBadPath.WithDebugf("invalid file name %q", name)
	case len(name) > 255 || !utf8.ValidString(name):
		return ErrBadPath.WithDebug("invalid file name: too long or not UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(forbidden, r) {
			return ErrBadPath.WithDebugf("invalid file name %q", name)
		}
	}
	// A name a second decoding would turn into "..", "/" or NUL is refused too.
	if strings.Contains(name, "%") {
		if dec, err := url.PathUnescape(name); err == nil && dec != name {
			if err := CheckFileName(dec); err != nil {
				return ErrBadPath.WithDebugf("invalid file name %q", name)
			}
		}
	}
	return nil
}

// CleanFilePath returns p as a file path ("/" or "/a/b/"): it must start
// with "/", and every segment must be a valid file name (so no "..").
func CleanFilePath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") || len(p) > 255 {
		return "", ErrBadPath.WithDebugf("invalid file path %q: it must start with /", p)
	}
	for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
		if seg == "" && p != "/" {
			return "", ErrBadPath.WithDebugf("invalid file path %q", p)
		}
		if seg != "" {
			if err := CheckFileName(seg); err != nil {
				return "", ErrBadPath.WithDebugf("invalid file path %q", p)
			}
		}
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// MimeType guesses a file's type from its name, as Moodle's
// mimeinfo('type'): "document/unknown" when the extension says nothing.
func MimeType(name string) string {
	if t := mime.TypeByExtension(strings.ToLower(path.Ext(name))); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "document/unknown"
}
