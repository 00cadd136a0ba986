package core_user

import (
	"context"
	"sync"
	"time"

	"wsgate/files"
)

// pictureTTL is how long a picture address is trusted: another instance's
// picture change shows in get_site_info after it at the latest.
const pictureTTL = 30 * time.Second

// maxPictures bounds the cache; past it, it starts again empty.
const maxPictures = 100_000

// Pictures caches the address of each user's picture, so that
// get_site_info makes no query in steady state.
type Pictures struct {
	files   *files.Store
	siteURL func() string
	now     func() time.Time
	mu      sync.Mutex
	urls    map[int64]picture
}

type picture struct {
	url string
	at  time.Time
}

// NewPictures returns an empty cache over st.
func NewPictures(st *files.Store, siteURL func() string) *Pictures {
	return &Pictures{files: st, siteURL: siteURL, now: time.Now, urls: map[int64]picture{}}
}

// URL is the address of the user's picture, "" when none.
func (p *Pictures) URL(ctx context.Context, userID int64) (string, error) {
	now := p.now()
	p.mu.Lock()
	e, ok := p.urls[userID]
	p.mu.Unlock()
	if ok && now.Sub(e.at) < pictureTTL {
		return e.url, nil
	}
	url, err := PictureURL(ctx, p.files, p.siteURL(), userID)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	if len(p.urls) >= maxPictures {
		p.urls = map[int64]picture{}
	}
	p.urls[userID] = picture{url: url, at: now}
	p.mu.Unlock()
	return url, nil
}

// Forget drops the user's cached address (after a change here).
func (p *Pictures) Forget(userID int64) {
	p.mu.Lock()
	delete(p.urls, userID)
	p.mu.Unlock()
}
