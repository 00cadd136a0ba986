package core_user

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/files"
	"wsgate/functions"
)

// FilesDeps is what the user file functions need.
type FilesDeps struct {
	Files    *files.Store
	SiteURL  func() string // the public base URL, read at call time
	Pictures *Pictures     // told of picture changes; may be nil
}

// RegisterFiles adds the functions that move files into the user's areas.
func RegisterFiles(reg *functions.Registry, d FilesDeps) {
	reg.Register("core_user_external", "add_user_private_files", d.addPrivateFiles)
	reg.Register("core_user_external", "update_picture", d.updatePicture)
}

// IconArea is the user picture's area; the picture is its file f1.
func IconArea(userID int64) files.Area {
	return files.Area{ContextID: files.UserContextID(userID), Component: files.ComponentUser, FileArea: files.AreaIcon}
}

// PictureURL is the pluginfile address of the user's picture, "" when none.
func PictureURL(ctx context.Context, st *files.Store, base string, userID int64) (string, error) {
	r, err := st.Get(ctx, IconArea(userID), "/", "f1")
	if err != nil {
		if wsgate.AsError(err).Kind == wsgate.NotFound {
			return "", nil
		}
		return "", err
	}
	return files.PluginfileURL(base, r) + "?rev=" + strconv.FormatInt(r.TimeModified, 10), nil
}

// addPrivateFiles moves the files of the caller's draft item into their
// private area; a private file at the same path is replaced.
func (d FilesDeps) addPrivateFiles(ctx context.Context, p map[string]any) (any, error) {
	c := wsgate.CallerFrom(ctx)
	if c == nil {
		return nil, wsgate.ErrAccess.WithDebug("no caller")
	}
	draft := files.DraftArea(c.UserID, p["draftid"].(int64))
	private := files.Area{ContextID: draft.ContextID, Component: files.ComponentUser, FileArea: files.AreaPrivate}
	if _, err := d.Files.Move(ctx, draft, private, files.MoveOptions{}); err != nil {
		return nil, err
	}
	return nil, nil
}

// updatePicture makes the first image of a draft item the caller's picture,
// or deletes the picture.
func (d FilesDeps) updatePicture(ctx context.Context, p map[string]any) (any, error) {
	c := wsgate.CallerFrom(ctx)
	if c == nil {
		return nil, wsgate.ErrAccess.WithDebug("no caller")
	}
	if uid := p["userid"].(int64); uid != 0 && uid != c.UserID {
		return nil, wsgate.ErrNoPermissions.Messagef("moodle/user:editprofile")
	}
	icon := IconArea(c.UserID)
	if p["delete"].(bool) {
		recs, err := d.Files.List(ctx, icon)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, 0, len(recs))
		for _, r := range recs {
			ids = append(ids, r.ID)
		}
		if err := d.Files.Delete(ctx, ids...); err != nil {
			return nil, err
		}
		d.forget(c.UserID)
		return map[string]any{"success": true, "warnings": []any{}}, nil
	}
	draft := files.DraftArea(c.UserID, p["draftitemid"].(int64))
	recs, err := d.Files.List(ctx, draft)
	if err != nil {
		return nil, err
	}
	hasImage := false
	for _, r := range recs {
		hasImage = hasImage || (r.FilePath == "/" && isImage(r.MimeType))
	}
	if !hasImage {
		return nil, wsgate.ErrInvalidParameter.WithDebug("the draft item holds no image (png, jpeg, gif or webp) at /")
	}
	first := true
	moved, err := d.Files.Move(ctx, draft, icon, files.MoveOptions{Clear: true, Rename: func(r files.Record) (string, bool) {
		ok := first && r.FilePath == "/" && isImage(r.MimeType)
		first = first && !ok
		return "f1", ok
	}})
	if err != nil {
		return nil, err
	}
	d.forget(c.UserID)
	if len(moved) == 0 {
		return nil, wsgate.ErrInvalidParameter.WithDebug("the draft item holds no image (png, jpeg, gif or webp) at /")
	}
	url, err := PictureURL(ctx, d.Files, d.SiteURL(), c.UserID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"success": true, "profileimageurl": url, "warnings": []any{}}, nil
}

func isImage(mimetype string) bool {
	switch strings.ToLower(mimetype) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

func (d FilesDeps) forget(userID int64) {
	if d.Pictures != nil {
		d.Pictures.Forget(userID)
	}
}
