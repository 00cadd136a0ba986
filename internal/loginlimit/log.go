package loginlimit

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxLoggedBytes bounds a value from the client (a username, a service
// shortname) in a log line.
const MaxLoggedBytes = 64

// Clip returns s as it may be logged: valid UTF-8 (a bad byte becomes
// U+FFFD) of at most MaxLoggedBytes bytes, cut on a character and then
// marked "…[truncated, N bytes]" with the length of s.
func Clip(s string) string {
	if len(s) <= MaxLoggedBytes && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if b.Len()+utf8.RuneLen(r) > MaxLoggedBytes {
			b.WriteString("…[truncated, " + strconv.Itoa(len(s)) + " bytes]")
			break
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// DefaultRefusalsPerSecond is how many refused logins RefusalLog writes in a second.
const DefaultRefusalsPerSecond = 10

// Refusal is one refused login.
type Refusal struct {
	Endpoint  string // "/login/token.php", "/admin/login"
	Username  string // as the client sent it
	Service   string // token.php's service shortname; "" for the pages
	Remote    string // the client's address
	ErrorCode string // the error answered: invalidlogin, nopermissions, ...
	Locked    bool   // refused by the Limiter, without a password check
}

// RefusalLog writes refused logins to a logger, one WARN line each with the
// values from the client clipped (Clip), and at most perSecond lines in a
// second: the lines it holds back are counted, and the count is logged at
// the end of that second.
type RefusalLog struct {
	log       *slog.Logger
	perSecond int
	now       func() time.Time
	afterFunc func(time.Duration, func()) // time.AfterFunc; tests run the flush themselves

	mu        sync.Mutex
	start     time.Time // of the current second
	written   int       // lines written in it
	held      int       // lines held back since the last count
	scheduled bool      // a flush of the count is due
}

// NewRefusalLog returns a refusal log writing to log.
func NewRefusalLog(log *slog.Logger) *RefusalLog {
	return &RefusalLog{log: log, perSecond: DefaultRefusalsPerSecond, now: time.Now,
		afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// Log writes the line of refusal r, or counts it when the second's lines are written.
func (l *RefusalLog) Log(ctx context.Context, r Refusal) {
	l.mu.Lock()
	now := l.now()
	held := 0
	if now.Sub(l.start) >= time.Second || now.Before(l.start) {
		held, l.held = l.held, 0
		l.start, l.written = now, 0
	}
	write := l.written < l.perSecond
	if write {
		l.written++
	} else {
		l.held++
		if !l.scheduled {
			l.scheduled = true
			l.afterFunc(l.start.Add(time.Second).Sub(now), l.flush)
		}
	}
	l.mu.Unlock()
	l.logHeld(ctx, held)
	if write {
		l.log.LogAttrs(ctx, slog.LevelWarn, "login refused", slog.String("endpoint", r.Endpoint),
			slog.String("username", Clip(r.Username)), slog.String("service", Clip(r.Service)),
			slog.String("remote", Clip(r.Remote)), slog.String("errorcode", r.ErrorCode), slog.Bool("locked", r.Locked))
	}
}

// flush logs the count of lines held back, if any.
func (l *RefusalLog) flush() {
	l.mu.Lock()
	held := l.held
	l.held, l.scheduled = 0, false
	l.mu.Unlock()
	l.logHeld(context.Background(), held)
}

func (l *RefusalLog) logHeld(ctx context.Context, n int) {
	if n > 0 {
		l.log.LogAttrs(ctx, slog.LevelWarn, "login refusals not logged", slog.Int("count", n),
			slog.Int("per_second", l.perSecond))
	}
}
