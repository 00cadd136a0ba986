package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/internal/db"
)

// tokenGenerationAttempts is how often CreateToken draws a new value when the
// hash is taken (Moodle tries 5 times; with 128 random bits it never has to).
const tokenGenerationAttempts = 5

// lastAccessUpdateSecs is Moodle's TOKEN_LASTACCESS_UPDATE_SECS: lastaccess is
// written only when it moves by at least this much.
const lastAccessUpdateSecs = 60

// touchBatch bounds the rows one TouchTokens statement updates.
const touchBatch = 500

const tokenColumns = `id, userid, externalserviceid, creatorid, iprestriction, validuntil, timecreated, lastaccess, name, readonly, lastaccessip`

// HashToken returns the hex SHA-256 of a token value, the form the store keeps.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func scanToken(row scanner) (Token, error) {
	var t Token
	var creator, until, last sql.NullInt64
	var ip, lastIP sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.ServiceID, &creator, &ip, &until, &t.TimeCreated, &last, &t.Name, &t.ReadOnly,
		&lastIP); err != nil {
		return Token{}, notFound("external_tokens", err)
	}
	t.CreatorID, t.IPRestriction, t.ValidUntil, t.LastAccess = creator.Int64, ip.String, until.Int64, last.Int64
	t.LastAccessIP = lastIP.String
	return t, nil
}

// newTokenValue returns 32 lowercase hex characters from crypto/rand.
func newTokenValue() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}

const nameAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters of [A-Za-z0-9], as Moodle's random_string.
func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = nameAlphabet[randIntn(len(nameAlphabet))]
	}
	return string(b)
}

// randIntn returns a uniform number in [0, n) from crypto/rand, n <= 256.
func randIntn(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		_, _ = rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// CreateToken makes a permanent token for spec and returns its value, shown
// this once (only its SHA-256 is stored), with its description. The value is
// spec.Value, or 32 lowercase hex characters from crypto/rand. An unknown
// user or service is a not-found error. Only a site administrator makes a
// token for a site administrator (guard.go).
func (s *Store) CreateToken(ctx context.Context, spec TokenSpec) (string, Token, error) {
	if err := ValidateIPRestriction(spec.IPRestriction); err != nil {
		return "", Token{}, err
	}
	if err := s.guardAccount(ctx, spec.UserID, editAccount); err != nil {
		return "", Token{}, err
	}
	if spec.ValidUntil < 0 {
		return "", Token{}, invalidf("validuntil %d is negative", spec.ValidUntil)
	}
	if spec.Value != "" && !isTokenValue(spec.Value) {
		return "", Token{}, invalidf("a token value is 32 lowercase hexadecimal characters")
	}
	if spec.Name == "" {
		spec.Name = "Webservice-" + randomString(5)
	}
	t := Token{UserID: spec.UserID, ServiceID: spec.ServiceID, CreatorID: spec.CreatorID,
		IPRestriction: spec.IPRestriction, ValidUntil: spec.ValidUntil, TimeCreated: s.now(), Name: spec.Name,
		ReadOnly: spec.ReadOnly}
	for attempt := 1; ; attempt++ {
		value := spec.Value
		if value == "" {
			value = newTokenValue()
		}
		hash := HashToken(value)
		err := s.q.QueryRowContext(ctx, `INSERT INTO external_tokens (tokenhash, tokentype, userid, externalserviceid,
			creatorid, iprestriction, validuntil, timecreated, name, readonly) VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`, hash, t.UserID, t.ServiceID, nullInt(t.CreatorID), nullString(t.IPRestriction),
			nullInt(t.ValidUntil), t.TimeCreated, t.Name, t.ReadOnly).Scan(&t.ID)
		if err == nil {
			s.announce(Change{Tokens: []string{hash}})
			return value, t, nil
		}
		err = missingRef(err, "user %d, service %d or creator %d does not exist", t.UserID, t.ServiceID, t.CreatorID)
		if ce := db.ConstraintOf(err); ce == nil || ce.Kind != db.Unique || spec.Value != "" ||
			attempt == tokenGenerationAttempts || s.tx != nil {
			return "", Token{}, err
		}
	}
}

// isTokenValue reports whether v is 32 lowercase hex characters.
func isTokenValue(v string) bool {
	if len(v) != 32 {
		return false
	}
	for _, c := range []byte(v) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// TokenByID returns the token with id.
func (s *Store) TokenByID(ctx context.Context, id int64) (Token, error) {
	return scanToken(s.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM external_tokens WHERE id = $1`, id))
}

// TokenByValue returns the permanent token whose value is token.
func (s *Store) TokenByValue(ctx context.Context, token string) (Token, error) {
	return scanToken(s.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM external_tokens
		WHERE tokenhash = $1 AND tokentype = 0`, HashToken(token)))
}

// TokensForUser returns the tokens of user userID, oldest first.
func (s *Store) TokensForUser(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM external_tokens
		WHERE userid = $1 ORDER BY timecreated, id`, userID)
	return collect(rows, err, scanToken)
}

// ValidTokenFor finds a token login/token.php may hand out again, as Moodle
// does: among the permanent tokens of user userID for service serviceID it
// deletes the expired ones, skips those whose IP restriction refuses remoteIP
// ("" skips no token) and read-only ones, and returns the most recent remaining one, or a
// not-found error. The value cannot be returned (only its hash is kept): the
// caller gets the token's description.
func (s *Store) ValidTokenFor(ctx context.Context, userID, serviceID int64, remoteIP string) (Token, error) {
	var found Token
	err := s.Transact(ctx, func(tx *Store) error {
		rows, err := tx.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM external_tokens
			WHERE userid = $1 AND externalserviceid = $2 AND tokentype = 0 ORDER BY timecreated, id`, userID, serviceID)
		tokens, err := collect(rows, err, scanToken)
		if err != nil {
			return err
		}
		now := tx.now()
		for _, t := range tokens {
			switch {
			case t.ValidUntil != 0 && t.ValidUntil < now:
				if err := tx.DeleteToken(ctx, t.ID); err != nil && !isNotFound(err) {
					return err
				}
			case t.ReadOnly: // a login hands out a full token
			case remoteIP != "" && t.IPRestriction != "" && !AddressInSubnet(remoteIP, t.IPRestriction):
			default:
				found = t
			}
		}
		return nil
	})
	if err == nil && found.ID == 0 {
		err = notFound("external_tokens", sql.ErrNoRows)
	}
	return found, err
}

func isNotFound(err error) bool { return err != nil && wsgate.KindOf(err) == wsgate.NotFound }

// DeleteToken removes token id.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	hashes, err := s.deleteTokens(ctx, `id = $1`, id)
	if err != nil {
		return err
	}
	if len(hashes) == 0 {
		return notFound("external_tokens", sql.ErrNoRows)
	}
	return nil
}

// DeleteUserTokens removes every token of user userID (Moodle's
// delete_user_ws_tokens) and returns how many there were.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64) (int, error) {
	hashes, err := s.deleteTokens(ctx, `userid = $1`, userID)
	return len(hashes), err
}

// deleteTokens deletes the tokens matching where (with its arguments) and
// announces them; it returns their hashes.
func (s *Store) deleteTokens(ctx context.Context, where string, args ...any) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, `DELETE FROM external_tokens WHERE `+where+` RETURNING tokenhash`, args...)
	hashes, err := collect(rows, err, scanString)
	if err != nil {
		return nil, err
	}
	for i, h := range hashes {
		hashes[i] = strings.TrimSpace(h) // CHAR(64) pads on some dialects
	}
	s.announce(Change{Tokens: hashes})
	return hashes, nil
}

// TokenAccess is a token's last use: when (unix seconds) and from where.
type TokenAccess struct {
	Time int64
	IP   string
}

// TouchTokens records last accesses (token id -> time and address) in
// batches; a time never moves lastaccess backwards. It announces nothing:
// lastaccess plays no part in authorisation.
func (s *Store) TouchTokens(ctx context.Context, access map[int64]TokenAccess) error {
	if len(access) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(access))
	for id := range access {
		ids = append(ids, id)
	}
	return s.Transact(ctx, func(tx *Store) error {
		for start := 0; start < len(ids); start += touchBatch {
			chunk := ids[start:min(start+touchBatch, len(ids))]
			var q strings.Builder
			args := make([]any, 0, 3*len(chunk))
			q.WriteString(`UPDATE external_tokens SET lastaccess = v.column2, lastaccessip = v.column3 FROM (VALUES `)
			for i, id := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				n := len(args)
				q.WriteString("(CAST($" + strconv.Itoa(n+1) + " AS BIGINT), CAST($" + strconv.Itoa(n+2) + " AS BIGINT), CAST($" +
					strconv.Itoa(n+3) + " AS TEXT))")
				args = append(args, id, access[id].Time, access[id].IP)
			}
			q.WriteString(`) AS v WHERE external_tokens.id = v.column1
				AND (external_tokens.lastaccess IS NULL OR external_tokens.lastaccess < v.column2)`)
			if _, err := tx.q.ExecContext(ctx, q.String(), args...); err != nil {
				return db.Translate(err)
			}
		}
		return nil
	})
}
