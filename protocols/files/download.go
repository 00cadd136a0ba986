package files

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wsgate"
	"wsgate/files"
	"wsgate/protocols"
	"wsgate/services"
)

// Download is /webservice/pluginfile.php (or, with DraftOnly,
// draftfile.php): the file named by slash arguments after Script
// (/contextid/component/filearea/itemid/path/name) or by file=, served
// with Range, HEAD, ETag and Last-Modified (http.ServeContent) to a token
// whose service allows downloads and whom the area's access callback allows.
type Download struct {
	Auth   Authorizer
	Store  *files.Store
	Access *files.AccessRules
	// Script is the path the slash arguments follow ("/webservice/pluginfile.php").
	Script string
	// DraftOnly serves the caller's own draft area only (draftfile.php).
	DraftOnly bool
	Debug     bool
	Log       *slog.Logger
}

// errNoFile is Moodle's send_file_not_found.
var errNoFile = &wsgate.Error{Kind: wsgate.NotFound, Exception: "moodle_exception", Code: "filenotfound",
	Message: "Sorry, the requested file could not be found"}

// fileRef is a file named by a request.
type fileRef struct {
	area     files.Area
	filepath string
	filename string
}

func (h *Download) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, r, h.Log, http.StatusMethodNotAllowed, wsgate.ErrInvalidParameter.WithDebug("GET or HEAD only"), h.Debug)
		return
	}
	if err := h.serve(w, r); err != nil {
		writeError(w, r, h.Log, statusOf(err), err, h.Debug)
	}
}

func (h *Download) serve(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c, err := h.Auth.AuthorizeFiles(r.Context(), services.AuthRequest{Token: q.Get("token"),
		RemoteIP: protocols.RemoteIP(r), Protocol: "download"}, services.Download)
	if err != nil {
		return err
	}
	arg := strings.TrimPrefix(r.URL.Path, h.Script)
	if arg == "" || arg == "/" {
		arg = q.Get("file")
	}
	ref, err := parseFileArg(arg)
	if err != nil {
		return err
	}
	if h.DraftOnly && (ref.area.Component != files.ComponentUser || ref.area.FileArea != files.AreaDraft ||
		ref.area.ContextID != files.UserContextID(c.UserID)) {
		return errNoFile.WithDebug("draftfile.php serves the caller's own draft files only")
	}
	rec, err := h.Store.Get(r.Context(), ref.area, ref.filepath, ref.filename)
	if errors.Is(err, wsgate.ErrNotFound) {
		return errNoFile
	} else if err != nil {
		return err
	}
	if !h.Access.Allows(c, &rec) {
		return errNoFile.WithDebug("the file's component does not let this user read it")
	}
	content, err := h.Store.Open(r.Context(), rec)
	if errors.Is(err, files.ErrContentMissing) {
		if h.Log != nil {
			h.Log.Error("file content missing", "fileid", rec.ID, "contenthash", rec.ContentHash)
		}
		return errNoFile
	} else if err != nil {
		return err
	}
	defer content.Close()
	hd := w.Header()
	ctype := rec.MimeType
	if ctype == "" || ctype == "document/unknown" {
		ctype = "application/octet-stream"
	}
	hd.Set("Content-Type", ctype)
	hd.Set("ETag", `"`+rec.ContentHash+`"`)
	hd.Set("Cache-Control", "private, max-age=0")
	hd.Set("X-Content-Type-Options", "nosniff")
	// User content on the gateway's origin: no script of it may run.
	hd.Set("Content-Security-Policy", "sandbox")
	hd.Set("Access-Control-Expose-Headers", "Content-Range")
	disposition := "inline"
	if v := q.Get("forcedownload"); v != "" && v != "0" {
		disposition = "attachment"
	}
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": rec.FileName}))
	http.ServeContent(w, r, "", time.Unix(rec.TimeModified, 0), content)
	return nil
}

// parseFileArg splits /contextid/component/filearea/itemid/path.../name,
// refusing traversal (".", "..", NUL, backslashes and the like in any
// segment). The user icon's item may be a theme name, as Moodle's URLs have it.
func parseFileArg(arg string) (fileRef, error) {
	var ref fileRef
	segs := strings.Split(strings.TrimPrefix(arg, "/"), "/")
	if !strings.HasPrefix(arg, "/") || len(segs) < 5 {
		return ref, errNoFile.WithDebug("the file path is /contextid/component/filearea/itemid/path")
	}
	for _, s := range segs {
		if err := files.CheckFileName(s); err != nil {
			return ref, err
		}
	}
	ctx, err := strconv.ParseInt(segs[0], 10, 64)
	if err != nil || ctx <= 0 {
		return ref, errNoFile.WithDebug("bad context id")
	}
	ref.area = files.Area{ContextID: ctx, Component: segs[1], FileArea: segs[2]}
	if ref.area.ItemID, err = strconv.ParseInt(segs[3], 10, 64); err != nil {
		if ref.area.Component != files.ComponentUser || ref.area.FileArea != files.AreaIcon {
			return ref, errNoFile.WithDebug("bad item id")
		}
		ref.area.ItemID = 0
	}
	ref.filename = segs[len(segs)-1]
	ref.filepath = "/"
	if dirs := segs[4 : len(segs)-1]; len(dirs) > 0 {
		ref.filepath = "/" + strings.Join(dirs, "/") + "/"
	}
	return ref, nil
}
