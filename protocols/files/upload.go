package files

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wsgate"
	"wsgate/files"
	"wsgate/protocols"
	"wsgate/services"
)

// Authorizer is what the file scripts need of services.Authorizer.
type Authorizer interface {
	AuthorizeFiles(ctx context.Context, req services.AuthRequest, t services.FileTransfer) (*wsgate.Caller, error)
	Profile(ctx context.Context, c *wsgate.Caller) (services.Profile, error)
}

// Upload is /webservice/upload.php: the files of a multipart body into the
// caller's draft area, streamed to the store, all recorded or none.
type Upload struct {
	Auth  Authorizer
	Store *files.Store
	// MaxBytes bounds each file (files.max_bytes): a larger one is answered
	// with errortype fileoversized and never written past the limit.
	MaxBytes int64
	// MaxBodyBytes bounds the whole body (files.max_upload_body_bytes).
	MaxBodyBytes int64
	// MaxFiles bounds the files of one upload (files.max_upload_files).
	MaxFiles int
	// Quota bounds the bytes of files one user holds (files.user_quota; 0: none).
	Quota int64
	// License is recorded with each file (Moodle's sitedefaultlicense).
	License string
	// ReadTimeout replaces the server's read deadline for an upload's body
	// (files.upload_timeout; 0 keeps the server's).
	ReadTimeout time.Duration
	Debug       bool
	Log         *slog.Logger
}

// maxFieldBytes bounds a form field of the body (token, filepath, itemid).
const maxFieldBytes = 1024

// maxFields bounds the form fields of the body.
const maxFields = 32

// uploadedRecord is Moodle's file record in upload.php's answer.
type uploadedRecord struct {
	Component string `json:"component"`
	ContextID int64  `json:"contextid"`
	UserID    int64  `json:"userid"`
	FileArea  string `json:"filearea"`
	FileName  string `json:"filename"`
	FilePath  string `json:"filepath"`
	ItemID    int64  `json:"itemid"`
	License   string `json:"license"`
	Author    string `json:"author"`
	Source    string `json:"source"`
}

// refusedFile is the entry of a file upload.php did not store.
type refusedFile struct {
	FileName  string `json:"filename"`
	ErrorType string `json:"errortype"`
	Error     string `json:"error"`
}

// upload is one request's state.
type upload struct {
	h        *Upload
	r        *http.Request
	query    url.Values
	fields   map[string]string
	caller   *wsgate.Caller
	staged   []*files.Staged // nil for a refused file
	names    []string
	oversize []bool
}

// ServeHTTP reads the parts in order: form fields (token, filepath,
// itemid) and files; the token is checked before the first file is read.
func (h *Upload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.ReadTimeout > 0 {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.ReadTimeout))
	}
	u := &upload{h: h, r: r, query: r.URL.Query(), fields: map[string]string{}}
	defer func() { h.Store.Discard(u.staged...) }()
	out, err := u.run(w)
	if err != nil {
		writeError(w, r, h.Log, http.StatusOK, err, h.Debug)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// param is a parameter of the body, else of the query (POST wins, as optional_param).
func (u *upload) param(name string) string {
	if v, ok := u.fields[name]; ok {
		return v
	}
	if v := u.query[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (u *upload) authorize() error {
	if u.caller != nil {
		return nil
	}
	c, err := u.h.Auth.AuthorizeFiles(u.r.Context(), services.AuthRequest{Token: u.param("token"),
		RemoteIP: protocols.RemoteIP(u.r), Protocol: "upload"}, services.Upload)
	u.caller = c
	return err
}

func (u *upload) run(w http.ResponseWriter) ([]any, error) {
	if u.query.Has("token") {
		if err := u.authorize(); err != nil {
			return nil, err
		}
	}
	mr, err := u.reader(w)
	if err != nil {
		return nil, err
	}
	if err := u.readParts(mr); err != nil {
		return nil, err
	}
	if err := u.authorize(); err != nil { // no file came: the token may be in the body
		return nil, err
	}
	filepath, err := files.CleanFilePath(u.param("filepath"))
	if err != nil {
		return nil, err
	}
	itemid, err := u.itemID()
	if err != nil {
		return nil, err
	}
	return u.store(filepath, itemid)
}

func (u *upload) reader(w http.ResponseWriter) (*multipart.Reader, error) {
	mt, params, err := mime.ParseMediaType(u.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, wsgate.ErrInvalidParameter.WithDebug("upload.php takes a multipart/form-data body")
	}
	body := http.MaxBytesReader(w, u.r.Body, u.h.MaxBodyBytes)
	return multipart.NewReader(body, params["boundary"]), nil
}

// readParts stages every file part and keeps the form fields.
func (u *upload) readParts(mr *multipart.Reader) error {
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return bodyError(readError{err}) // every failure of NextRawPart is the body's
		}
		name, isFile := fileName(p)
		if !isFile {
			if len(u.fields) >= maxFields {
				return wsgate.ErrInvalidParameter.WithDebugf("more than %d form fields", maxFields)
			}
			b, err := io.ReadAll(io.LimitReader(bodyReader{p}, maxFieldBytes+1))
			if err != nil {
				return bodyError(err)
			}
			if len(b) > maxFieldBytes {
				return wsgate.ErrInvalidParameter.WithDebugf("form field %q is longer than %d bytes", p.FormName(), maxFieldBytes)
			}
			u.fields[p.FormName()] = string(b)
			continue
		}
		if err := u.authorize(); err != nil {
			return err
		}
		if len(u.names) >= u.h.MaxFiles {
			return wsgate.ErrInvalidParameter.WithDebugf("more than %d files in one upload", u.h.MaxFiles)
		}
		if err := files.CheckFileName(name); err != nil {
			return err
		}
		st, err := u.h.Store.Stage(u.r.Context(), bodyReader{p}, u.h.MaxBytes)
		oversize := errors.Is(err, files.ErrTooLarge)
		if oversize {
			_, err = io.Copy(io.Discard, bodyReader{p}) // the rest of the part, bounded by the body limit
		}
		if err != nil {
			return bodyError(err)
		}
		u.staged, u.names, u.oversize = append(u.staged, st), append(u.names, name), append(u.oversize, oversize)
	}
}

// fileName returns the file name a part's Content-Disposition gives, as
// sent (multipart.Part.FileName would drop directories silently).
func fileName(p *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	return name, ok
}

// readError marks a failure to read the request body (cut, malformed, too
// long), told apart from a failure of the store while staging.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// bodyReader tags the read errors of r.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}

// bodyError turns a failure to read the body into the caller's error; a
// failure of the store stays what it is.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	var re readError
	switch {
	case errors.As(err, &tooBig):
		return wsgate.ErrInvalidParameter.WithDebugf("the upload is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &re):
		return wsgate.ErrInvalidParameter.WithDebug("the multipart body is cut or malformed")
	}
	return err
}

func (u *upload) itemID() (int64, error) {
	s := u.param("itemid")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, wsgate.ErrInvalidParameter.WithDebugf("itemid %q is not an integer", s)
	}
	return id, nil
}

// store records the staged files in one transaction and shapes the answer.
func (u *upload) store(filepath string, itemid int64) ([]any, error) {
	ctx := u.r.Context()
	c := u.caller
	if itemid <= 0 {
		id, err := u.h.Store.UnusedDraftItemID(ctx, c.UserID)
		if err != nil {
			return nil, err
		}
		itemid = id
	}
	author := c.Username
	if p, err := u.h.Auth.Profile(ctx, c); err == nil {
		if full := strings.TrimSpace(p.FirstName + " " + p.LastName); full != "" {
			author = full
		}
	}
	area := files.DraftArea(c.UserID, itemid)
	var items []files.NewFile
	var index []int // the answer's entry of each item
	out := make([]any, len(u.names))
	for i, name := range u.names {
		if u.oversize[i] {
			out[i] = refusedFile{FileName: name, ErrorType: "fileoversized", Error: files.ErrTooLarge.Message}
			continue
		}
		items = append(items, files.NewFile{Record: files.Record{Area: area, FilePath: filepath, FileName: name,
			UserID: c.UserID, MimeType: files.MimeType(name), Author: author, License: u.h.License}, Content: u.staged[i]})
		index = append(index, i)
	}
	u.staged = nil // Add consumes them
	added, taken, err := u.h.Store.Add(ctx, items, files.AddOptions{QuotaUser: c.UserID, Quota: u.h.Quota})
	if err != nil {
		return nil, err
	}
	if u.h.Log != nil {
		var bytes int64
		for _, a := range added {
			bytes += a.FileSize
		}
		u.h.Log.Info("upload", "userid", c.UserID, "itemid", itemid, "stored", len(added),
			"refused", len(u.names)-len(added), "bytes", bytes, "remote", protocols.RemoteIP(u.r))
	}
	refused := map[int]bool{}
	for _, t := range taken {
		refused[t] = true
	}
	for j, it := range items {
		i := index[j]
		if refused[j] {
			out[i] = refusedFile{FileName: it.FileName, ErrorType: "filenameexist",
				Error: files.ErrFileExists.Messagef(it.FileName).Message}
			continue
		}
		out[i] = uploadedRecord{Component: area.Component, ContextID: area.ContextID, UserID: c.UserID,
			FileArea: area.FileArea, FileName: it.FileName, FilePath: filepath, ItemID: itemid, License: u.h.License,
			Author: author, Source: phpSource(it.FileName)}
	}
	return out, nil
}

// phpSource is Moodle's serialize((object)['source' => name]), the record's source.
func phpSource(name string) string {
	return `O:8:"stdClass":1:{s:6:"source";s:` + strconv.Itoa(len(name)) + `:"` + name + `";}`
}
