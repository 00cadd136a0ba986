package protocols

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"wsgate"
	"wsgate/functions"
)

// UpstreamClient calls functions implemented by an HTTP service: it POSTs the
// cleaned parameters as JSON and returns the decoded answer for cleaning.
type UpstreamClient struct {
	HTTP *http.Client
	// MaxResponseBytes bounds what an upstream may answer (default 16 MiB).
	MaxResponseBytes int64
}

// Headers telling the upstream who calls.
const (
	HeaderFunction = "X-Wsgate-Function"
	HeaderUserID   = "X-Wsgate-User-Id"
	HeaderUsername = "X-Wsgate-Username"
	HeaderService  = "X-Wsgate-Service"
)

// Call POSTs params to f's upstream within its timeout and the call's deadline.
// An upstream may answer an error as Moodle's JSON exception
// ({"exception", "errorcode", "message"}), which is passed on to the caller.
func (u *UpstreamClient) Call(ctx context.Context, f *functions.Function, params map[string]any) (any, error) {
	if f.Upstream.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Upstream.Timeout)
		defer cancel()
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, wsgate.ErrInternal.Wrap(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.Upstream.URL, bytes.NewReader(body))
	if err != nil {
		return nil, wsgate.ErrUpstream.WithDebug("bad upstream URL").Wrap(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderFunction, f.Name)
	if c := wsgate.CallerFrom(ctx); c != nil {
		req.Header.Set(HeaderUserID, strconv.FormatInt(c.UserID, 10))
		req.Header.Set(HeaderUsername, c.Username)
		req.Header.Set(HeaderService, c.Shortname)
	}
	start := time.Now()
	resp, err := u.client().Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, wsgate.ErrUpstream.WithDebugf("the upstream did not answer within %s", time.Since(start).Round(time.Millisecond)).Wrap(err)
		}
		return nil, wsgate.ErrUpstream.WithDebug("the upstream could not be reached").Wrap(err)
	}
	defer resp.Body.Close()
	limit := u.MaxResponseBytes
	if limit <= 0 {
		limit = 16 << 20
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, wsgate.ErrUpstream.WithDebug("the upstream's answer was cut off").Wrap(err)
	}
	if int64(len(data)) > limit {
		return nil, wsgate.ErrUpstream.WithDebugf("the upstream's answer is larger than %d bytes", limit)
	}
	if exc := moodleException(data); exc != nil {
		return nil, exc
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, wsgate.ErrUpstream.WithDebugf("the upstream answered HTTP %d", resp.StatusCode)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, wsgate.ErrUpstream.WithDebug("the upstream's answer is not JSON").Wrap(err)
	}
	return out, nil
}

func (u *UpstreamClient) client() *http.Client {
	if u != nil && u.HTTP != nil {
		return u.HTTP
	}
	return http.DefaultClient
}

// moodleException recognises an error answered in Moodle's JSON form.
func moodleException(data []byte) *wsgate.Error {
	if !bytes.Contains(data, []byte(`"exception"`)) {
		return nil
	}
	var e struct {
		Exception string `json:"exception"`
		ErrorCode string `json:"errorcode"`
		Message   string `json:"message"`
		DebugInfo string `json:"debuginfo"`
	}
	if json.Unmarshal(data, &e) != nil || e.Exception == "" || e.ErrorCode == "" {
		return nil
	}
	return &wsgate.Error{Kind: wsgate.Invalid, Exception: e.Exception, Code: e.ErrorCode, Message: e.Message,
		DebugInfo: e.DebugInfo, Err: fmt.Errorf("upstream exception %s", e.ErrorCode)}
}
