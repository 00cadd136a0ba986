package protocols

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"wsgate/services"
)

// Intake is what every protocol server applies to a request before and
// while it decodes it: the token it can see without the body (query string,
// Authorization header) is checked first; the body is then read whole,
// outside the Gate, so a slow client holds no slot; the decoding runs in a
// slot of the Gate under a Budget of its own. The zero value checks no
// token, applies the default Limits and bounds nothing.
type Intake struct {
	Tokens  TokenChecker // nil: only the Dispatcher checks the token
	Limits  Limits       // the budget of each request; zero fields: defaults
	Decodes *Gate        // nil: decodes are not bounded
}

// TokenChecker checks a call's token alone, before the body is read
// (Pipeline.CheckToken). Its refusal is the error Dispatch would answer.
type TokenChecker interface {
	CheckToken(ctx context.Context, call *Call) error
}

// CheckToken asks Tokens about call.Token; nil without Tokens.
func (in *Intake) CheckToken(ctx context.Context, call *Call) error {
	if in.Tokens == nil {
		return nil
	}
	return in.Tokens.CheckToken(ctx, call)
}

// Decode runs decode with a fresh Budget inside a slot of the Gate; when no
// slot frees in time it returns wsgate.ErrServerBusy without running it.
func (in *Intake) Decode(ctx context.Context, decode func(b *Budget) error) error {
	if err := in.Decodes.Enter(ctx); err != nil {
		return err
	}
	defer in.Decodes.Leave()
	return decode(NewBudget(in.Limits))
}

// firstRead is the most ReadBody reserves before the client has sent more.
const firstRead = 64 << 10

// Body is a request body read whole, kept in the chunks it was read into.
type Body struct {
	chunks [][]byte
	size   int
}

// ReadBody reads r's whole body, at most limit bytes: a longer one is an
// *http.MaxBytesError, returned without reading when Content-Length
// announces it. The body is read into chunks, the first of 64 KiB at most,
// each next one as large as all before it, and never beyond the announced
// length: a client cannot make the server reserve memory it has not sent,
// and the body costs its size (twice at most without a Content-Length).
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) (*Body, error) {
	b := &Body{}
	if r.Body == nil || r.Body == http.NoBody {
		return b, nil
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	for {
		size := max(b.size, firstRead)
		if r.ContentLength >= 0 {
			size = min(size, int(r.ContentLength)-b.size+1) // +1: io.EOF is seen without another chunk
		}
		chunk := make([]byte, size)
		n, err := io.ReadFull(body, chunk)
		if n > 0 {
			b.chunks = append(b.chunks, chunk[:n])
			b.size += n
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF: //nolint:errorlint // io.ReadFull returns them unwrapped
			return b, nil
		case err != nil:
			return nil, err
		}
	}
}

// Len returns the body's size in bytes.
func (b *Body) Len() int { return b.size }

// Reader returns a reader of the body from its start.
func (b *Body) Reader() io.Reader {
	readers := make([]io.Reader, len(b.chunks))
	for i, c := range b.chunks {
		readers[i] = bytes.NewReader(c)
	}
	return io.MultiReader(readers...)
}

// String returns the body as one string (one copy).
func (b *Body) String() string {
	var s strings.Builder
	s.Grow(b.size)
	for _, c := range b.chunks {
		s.Write(c)
	}
	return s.String()
}

// CheckToken runs the checks of Dispatch that concern call.Token alone
// (services.Authorizer.AuthorizeToken: the token, its user, the protocol
// capability), so that a server can refuse an unusable token before it
// reads the body. A refusal is logged and observed as a call, as Dispatch
// does; a token that passes is checked again, with the function, by Dispatch.
func (p *Pipeline) CheckToken(ctx context.Context, call *Call) error {
	start := time.Now()
	err := p.Auth.AuthorizeToken(ctx, services.AuthRequest{Token: call.Token, RemoteIP: call.RemoteIP,
		Protocol: call.Protocol})
	if err != nil {
		entry, _ := p.Functions.Get(call.Function)
		p.logCall(ctx, call, nil, entry, err, time.Since(start))
	}
	return err
}
