// Package core_files implements Moodle's core_files_* functions over the
// file store: draft item ids, listing an area, deleting draft files.
package core_files

import (
	"context"
	"sort"
	"strings"

	"wsgate"
	"wsgate/files"
	"wsgate/functions"
)

// Deps is what the implementations need.
type Deps struct {
	Files   *files.Store
	Access  *files.AccessRules
	SiteURL func() string // the public base URL, read at call time
}

// Register adds the component's implementations to reg.
func Register(reg *functions.Registry, d Deps) {
	reg.Register(`core_files\external\get\unused_draft`, "execute", d.unusedDraft)
	reg.Register("core_files_external", "get_files", d.getFiles)
	reg.Register(`core_files\external\delete\draft`, "execute", d.deleteDraft)
}

func caller(ctx context.Context) (*wsgate.Caller, error) {
	c := wsgate.CallerFrom(ctx)
	if c == nil {
		return nil, wsgate.ErrAccess.WithDebug("no caller")
	}
	return c, nil
}

func (d Deps) unusedDraft(ctx context.Context, _ map[string]any) (any, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := d.Files.UnusedDraftItemID(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"itemid": id, "warnings": []any{}}, nil
}

// getFiles lists one directory of an area the caller may read: its files and
// subdirectories, with the directories above it as parents.
func (d Deps) getFiles(ctx context.Context, p map[string]any) (any, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a := files.Area{ContextID: p["contextid"].(int64), Component: p["component"].(string),
		FileArea: p["filearea"].(string), ItemID: p["itemid"].(int64)}
	if a.ContextID <= 0 {
		level, _ := p["contextlevel"].(string)
		inst, _ := p["instanceid"].(int64)
		if level != "user" || inst <= 0 {
			return nil, wsgate.ErrInvalidParameter.WithDebug("contextid, or contextlevel user with instanceid, is required")
		}
		a.ContextID = files.UserContextID(inst)
	}
	dir, err := files.CleanFilePath(p["filepath"].(string))
	if err != nil {
		return nil, err
	}
	name := p["filename"].(string)
	modified, _ := p["modified"].(int64)
	// The area's owner is the user of its context.
	if !d.Access.Allows(c, &files.Record{Area: a, UserID: a.ContextID}) {
		return nil, wsgate.ErrNoPermissions.Messagef("moodle/user:manageownfiles")
	}
	recs, err := d.Files.List(ctx, a)
	if err != nil {
		return nil, err
	}
	out := []any{}
	subdirs := map[string]bool{}
	for _, r := range recs {
		switch {
		case r.FilePath == dir && (name == "" || r.FileName == name) && r.TimeModified >= modified:
			out = append(out, entry(d.SiteURL(), r))
		case name == "" && strings.HasPrefix(r.FilePath, dir) && r.FilePath != dir:
			sub := dir + strings.SplitN(strings.TrimPrefix(r.FilePath, dir), "/", 2)[0] + "/"
			subdirs[sub] = true
		}
	}
	var dirs []string
	for s := range subdirs {
		dirs = append(dirs, s)
	}
	sort.Strings(dirs)
	for _, s := range dirs {
		out = append(out, map[string]any{"contextid": a.ContextID, "component": a.Component, "filearea": a.FileArea,
			"itemid": a.ItemID, "filepath": s, "filename": strings.TrimSuffix(strings.TrimPrefix(s, dir), "/"),
			"isdir": true, "url": "", "timemodified": 0})
	}
	return map[string]any{"parents": parents(a, dir), "files": out}, nil
}

func entry(base string, r files.Record) map[string]any {
	return map[string]any{"contextid": r.ContextID, "component": r.Component, "filearea": r.FileArea,
		"itemid": r.ItemID, "filepath": r.FilePath, "filename": r.FileName, "isdir": false,
		"url": files.PluginfileURL(base, r), "timemodified": r.TimeModified, "timecreated": r.TimeCreated,
		"filesize": r.FileSize, "author": r.Author, "license": r.License}
}

// parents are the directories above dir, the root first.
func parents(a files.Area, dir string) []any {
	out := []any{}
	segs := strings.Split(strings.Trim(dir, "/"), "/")
	path := "/"
	for i := 0; dir != "/" && i < len(segs); i++ {
		out = append(out, map[string]any{"contextid": a.ContextID, "component": a.Component, "filearea": a.FileArea,
			"itemid": a.ItemID, "filepath": path, "filename": ""})
		path += segs[i] + "/"
	}
	return out
}

// deleteDraft removes files (or whole directories) from the caller's draft item.
func (d Deps) deleteDraft(ctx context.Context, p map[string]any) (any, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	area := files.DraftArea(c.UserID, p["draftitemid"].(int64))
	recs, err := d.Files.List(ctx, area)
	if err != nil {
		return nil, err
	}
	var ids []int64
	parentSet := map[string]bool{}
	warnings := []any{}
	for _, f := range p["files"].([]any) {
		spec := f.(map[string]any)
		dir, err := files.CleanFilePath(spec["filepath"].(string))
		if err != nil {
			return nil, err
		}
		name := spec["filename"].(string)
		found := false
		for _, r := range recs {
			if ((name == "" || name == ".") && strings.HasPrefix(r.FilePath, dir)) || (r.FilePath == dir && r.FileName == name) {
				ids = append(ids, r.ID)
				found = true
			}
		}
		if !found {
			warnings = append(warnings, map[string]any{"item": dir + name, "warningcode": "filenotfound",
				"message": "The file " + dir + name + " does not exist in the draft area"})
			continue
		}
		parent := dir
		if name == "" || name == "." {
			parent = parentOf(dir)
		}
		parentSet[parent] = true
	}
	if err := d.Files.Delete(ctx, ids...); err != nil {
		return nil, err
	}
	paths := []any{}
	for _, s := range sortedKeys(parentSet) {
		paths = append(paths, s)
	}
	return map[string]any{"parentpaths": paths, "warnings": warnings}, nil
}

func parentOf(dir string) string {
	t := strings.TrimSuffix(dir, "/")
	if i := strings.LastIndex(t, "/"); i >= 0 {
		return t[:i+1]
	}
	return "/"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
