package web

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// userFiles is a user's files and quota use, as their page shows them.
type userFiles struct {
	Rows  []fileRow
	Used  string // bytes, readable
	Quota string // "" when there is none
	Share string // of the quota, "" when there is none
}

// fileRow is one file of the list.
type fileRow struct {
	Area, Item, Path, Size, Type, Modified string
}

// userFiles lists the user's files; nil when the pages have no file store.
func (s *site) userFiles(ctx context.Context, userID int64) (*userFiles, error) {
	if s.d.Files == nil {
		return nil, nil
	}
	recs, err := s.d.Files.UserFiles(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := &userFiles{}
	var used int64
	for _, r := range recs {
		used += r.FileSize
		out.Rows = append(out.Rows, fileRow{Area: r.Component + "/" + r.FileArea, Item: strconv.FormatInt(r.ItemID, 10),
			Path: r.FilePath + r.FileName, Size: readableBytes(r.FileSize), Type: r.MimeType,
			Modified: time.Unix(r.TimeModified, 0).UTC().Format("2006-01-02 15:04 UTC")})
	}
	out.Used = readableBytes(used)
	if q := s.d.Quota; q > 0 {
		out.Quota = readableBytes(q)
		out.Share = fmt.Sprintf("%.1f%%", 100*float64(used)/float64(q))
	}
	return out, nil
}

// readableBytes writes n in B, KiB, MiB or GiB.
func readableBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " B"
}
