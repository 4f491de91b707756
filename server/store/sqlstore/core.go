package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/authspec/authspec/server/store"
)

// GetClientSQL is the query of GetClient, on the path of every token
// request: a driver may prepare it once.
const GetClientSQL = `SELECT ` + ClientColumns + ` FROM clients WHERE id = ? AND ` + LiveClient

// errorf prefixes the message of an error of the store with the dialect's
// name.
func (s *Core) errorf(format string, args ...any) error {
	return fmt.Errorf(s.d.Name+": "+format, args...)
}

// ---------------------------------------------------------------------------
// Clients

// CreateClient implements store.Clients. A client that has expired but is
// not yet swept gives way to the new one (see
// [Config.ReplaceExpiredClient]).
func (s *Core) CreateClient(ctx context.Context, c *store.Client) error {
	s.beforeInsert(ctx)
	err := s.d.InsertClient(ctx, s.w, c)
	if s.d.UniqueViolation(err) {
		err = s.replace(ctx, c)
	}
	if err != nil {
		return s.errorf("create client %q: %w", c.ID, err)
	}
	return nil
}

// GetClient implements store.Clients.
func (s *Core) GetClient(ctx context.Context, id string) (*store.Client, error) {
	c, err := ScanClient(s.r.QueryRow(ctx, GetClientSQL, s.d.Text(id), Micros(s.now())))
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("get client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("get client %q: %w", id, err)
	}
	return c, nil
}

// UpdateClient implements store.Clients.
func (s *Core) UpdateClient(ctx context.Context, c *store.Client) error {
	args, err := s.d.ClientArgs(c)
	if err != nil {
		return s.errorf("update client %q: %w", c.ID, err)
	}
	n, err := s.w.Exec(ctx, `UPDATE clients SET secret_hash = ?, secret_expires_at = ?,
		registration_token_hash = ?, issued_at = ?, expires_at = ?, metadata = ? WHERE id = ? AND `+LiveClient,
		append(args[1:], args[0], Micros(s.now()))...)
	if err != nil {
		return s.errorf("update client %q: %w", c.ID, err)
	}
	if n == 0 {
		return s.errorf("update client %q: %w", c.ID, store.ErrNotFound)
	}
	return nil
}

// ExtendClient implements store.Clients.
func (s *Core) ExtendClient(ctx context.Context, id string, expiresAt time.Time) error {
	now := Micros(s.now())
	n, err := s.w.Exec(ctx, `UPDATE clients SET expires_at = ? WHERE id = ? AND expires_at != 0 AND expires_at < ? AND `+LiveClient,
		Micros(expiresAt), s.d.Text(id), Micros(expiresAt), now)
	if err != nil {
		return s.errorf("extend client %q: %w", id, err)
	}
	if n > 0 {
		return nil
	}
	// Not extended: absent, expired, never expiring or expiring later.
	var one int
	err = s.w.QueryRow(ctx, `SELECT 1 FROM clients WHERE id = ? AND `+LiveClient, s.d.Text(id), now).Scan(&one)
	if errors.Is(err, s.d.NoRows) {
		return s.errorf("extend client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return s.errorf("extend client %q: %w", id, err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Codes

// SaveCode implements store.Codes.
func (s *Core) SaveCode(ctx context.Context, c *store.Code) error {
	s.beforeInsert(ctx)
	err := s.d.InsertCode(ctx, s.w, c, false)
	if s.d.UniqueViolation(err) {
		return s.errorf("save code: %w", store.ErrExists)
	}
	if err != nil {
		return s.errorf("save code: %w", err)
	}
	return nil
}

// GetCode implements store.Codes.
func (s *Core) GetCode(ctx context.Context, hash []byte) (*store.Code, error) {
	var used bool
	c, err := ScanCode(s.r.QueryRow(ctx, `SELECT `+CodeColumns+`, used FROM codes WHERE hash = ?`, hash), &used)
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("get code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("get code: %w", err)
	}
	if used {
		return c, s.errorf("get code: %w", store.ErrAlreadyUsed)
	}
	return c, nil
}

// ConsumeCode implements store.Codes. The redemption is one conditional
// UPDATE: of any number of concurrent callers, on any connection, exactly
// one sees the row change (SQLite runs one writer at a time; PostgreSQL,
// under READ COMMITTED, evaluates the condition again on the row as the
// first writer left it).
func (s *Core) ConsumeCode(ctx context.Context, hash []byte) (*store.Code, error) {
	c, err := ScanCode(s.w.QueryRow(ctx,
		`UPDATE codes SET used = TRUE WHERE hash = ? AND NOT used RETURNING `+CodeColumns, hash))
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("consume code: %w", err)
	}
	// Absent, or used before: codes are never marked unused again.
	c, err = ScanCode(s.w.QueryRow(ctx, `SELECT `+CodeColumns+` FROM codes WHERE hash = ?`, hash))
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("consume code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("consume code: %w", err)
	}
	return c, s.errorf("consume code: %w", store.ErrAlreadyUsed)
}

// ---------------------------------------------------------------------------
// Tokens

// GetToken implements store.Tokens.
func (s *Core) GetToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := ScanToken(s.r.QueryRow(ctx, `SELECT `+TokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("get token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("get token: %w", err)
	}
	return t, nil
}

// RotateToken implements store.Tokens. Like ConsumeCode, the transition is
// one conditional UPDATE.
func (s *Core) RotateToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := ScanToken(s.w.QueryRow(ctx,
		`UPDATE tokens SET rotated = TRUE WHERE hash = ? AND NOT rotated RETURNING `+TokenColumns, hash))
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("rotate token: %w", err)
	}
	t, err = ScanToken(s.w.QueryRow(ctx, `SELECT `+TokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("rotate token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("rotate token: %w", err)
	}
	return t, s.errorf("rotate token: %w", store.ErrAlreadyUsed)
}

// RevokeToken implements store.Tokens.
func (s *Core) RevokeToken(ctx context.Context, hash []byte) error {
	n, err := s.w.Exec(ctx, `UPDATE tokens SET revoked = TRUE WHERE hash = ?`, hash)
	if err != nil {
		return s.errorf("revoke token: %w", err)
	}
	if n == 0 {
		return s.errorf("revoke token: %w", store.ErrNotFound)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Consents and single-use keys

// SaveConsent implements store.Consents.
func (s *Core) SaveConsent(ctx context.Context, c *store.Consent) error {
	_, err := s.w.Exec(ctx, `INSERT INTO consents (subject, client_id, scope, granted) VALUES (?, ?, ?, ?)
		ON CONFLICT (subject, client_id) DO UPDATE SET scope = excluded.scope, granted = excluded.granted`,
		s.d.Text(c.Subject), s.d.Text(c.ClientID), s.d.Text(c.Scope), Micros(c.Granted))
	if err != nil {
		return s.errorf("save consent for client %q: %w", c.ClientID, err)
	}
	return nil
}

// GetConsent implements store.Consents.
func (s *Core) GetConsent(ctx context.Context, subject, clientID string) (*store.Consent, error) {
	c := store.Consent{Subject: subject, ClientID: clientID}
	var granted int64
	err := s.r.QueryRow(ctx, `SELECT scope, granted FROM consents WHERE subject = ? AND client_id = ?`,
		s.d.Text(subject), s.d.Text(clientID)).Scan(text{&c.Scope}, &granted)
	if errors.Is(err, s.d.NoRows) {
		return nil, s.errorf("get consent for client %q: %w", clientID, store.ErrNotFound)
	}
	if err != nil {
		return nil, s.errorf("get consent for client %q: %w", clientID, err)
	}
	c.Granted = FromMicros(granted)
	return &c, nil
}

// UseOnce implements store.Once with one conditional upsert: an expired key
// is taken over, a live one is not. Concurrent upserts of one key are
// ordered by its unique index: one inserts, the others update or not.
func (s *Core) UseOnce(ctx context.Context, key string, expiresAt time.Time) error {
	s.beforeInsert(ctx)
	n, err := s.w.Exec(ctx, `INSERT INTO used_once (key, expires_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE used_once.expires_at <= ?`,
		Bytes(key), Micros(expiresAt), Micros(s.now()))
	if err != nil {
		return s.errorf("use once: %w", err)
	}
	if n == 0 {
		return s.errorf("use once: %w", store.ErrAlreadyUsed)
	}
	return nil
}
