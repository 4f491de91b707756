package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/authspec/authspec/server/store"
)

// The columns of a row of each record, in the order of the Dialect's Args
// and of the Scan functions.
const (
	ClientColumns = `id, secret_hash, secret_expires_at, registration_token_hash, issued_at, expires_at, metadata`
	CodeColumns   = `hash, client_id, redirect_uri, subject, scope, resources, code_challenge,
	code_challenge_method, grant_id, issued_at, expires_at, dpop_jkt`
	TokenColumns = `hash, kind, client_id, subject, scope, resources, grant_id, issued_at, expires_at, revoked, rotated, jkt`
)

// LiveClient is the condition on a clients row that has not expired at the
// instant bound to its one placeholder.
const LiveClient = `(expires_at = 0 OR expires_at > ?)`

// ClientArgs binds the ClientColumns of c.
func (d Dialect) ClientArgs(c *store.Client) ([]any, error) {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return []any{d.Text(c.ID), Blob(c.SecretHash), Micros(c.SecretExpiresAt), Blob(c.RegistrationTokenHash),
		Micros(c.IssuedAt), Micros(c.ExpiresAt), string(md)}, nil
}

// ScanClient scans the ClientColumns of a row.
func ScanClient(row Row) (*store.Client, error) {
	var c store.Client
	var secretExpires, issued, expires int64
	var md string
	if err := row.Scan(text{&c.ID}, &c.SecretHash, &secretExpires, &c.RegistrationTokenHash, &issued, &expires, &md); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(md), &c.Metadata); err != nil {
		return nil, fmt.Errorf("decode metadata: %w", err)
	}
	c.SecretHash, c.RegistrationTokenHash = nilIfEmpty(c.SecretHash), nilIfEmpty(c.RegistrationTokenHash)
	c.SecretExpiresAt, c.IssuedAt, c.ExpiresAt = FromMicros(secretExpires), FromMicros(issued), FromMicros(expires)
	return &c, nil
}

// InsertClient inserts c on db.
func (d Dialect) InsertClient(ctx context.Context, db DB, c *store.Client) error {
	args, err := d.ClientArgs(c)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO clients (`+ClientColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

// CodeArgs binds the CodeColumns of c.
func (d Dialect) CodeArgs(c *store.Code) ([]any, error) {
	resources, err := encodeList(c.Resources)
	if err != nil {
		return nil, fmt.Errorf("encode resources: %w", err)
	}
	return []any{c.Hash, d.Text(c.ClientID), d.Text(c.RedirectURI), d.Text(c.Subject), d.Text(c.Scope), resources,
		d.Text(c.CodeChallenge), d.Text(c.CodeChallengeMethod), d.Text(c.GrantID), Micros(c.IssuedAt), Micros(c.ExpiresAt), c.DPoPJKT}, nil
}

// ScanCode scans the CodeColumns of a row, and then the extra destinations.
func ScanCode(row Row, extra ...any) (*store.Code, error) {
	var c store.Code
	var resources string
	var issued, expires int64
	dest := append([]any{&c.Hash, text{&c.ClientID}, text{&c.RedirectURI}, text{&c.Subject}, text{&c.Scope}, &resources,
		text{&c.CodeChallenge}, text{&c.CodeChallengeMethod}, text{&c.GrantID}, &issued, &expires, &c.DPoPJKT}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if c.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	c.IssuedAt, c.ExpiresAt = FromMicros(issued), FromMicros(expires)
	return &c, nil
}

// InsertCode inserts c on db, redeemed if used.
func (d Dialect) InsertCode(ctx context.Context, db DB, c *store.Code, used bool) error {
	args, err := d.CodeArgs(c)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO codes (`+CodeColumns+`, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(args, used)...)
	return err
}

// TokenArgs binds the TokenColumns of t.
func (d Dialect) TokenArgs(t *store.Token) ([]any, error) {
	resources, err := encodeList(t.Resources)
	if err != nil {
		return nil, fmt.Errorf("encode resources: %w", err)
	}
	return []any{t.Hash, string(t.Kind), d.Text(t.ClientID), d.Text(t.Subject), d.Text(t.Scope), resources, d.Text(t.GrantID),
		Micros(t.IssuedAt), Micros(t.ExpiresAt), t.Revoked, t.Rotated, t.JKT}, nil
}

// ScanToken scans the TokenColumns of a row.
func ScanToken(row Row) (*store.Token, error) {
	var t store.Token
	var kind, resources string
	var issued, expires int64
	if err := row.Scan(&t.Hash, &kind, text{&t.ClientID}, text{&t.Subject}, text{&t.Scope}, &resources, text{&t.GrantID},
		&issued, &expires, &t.Revoked, &t.Rotated, &t.JKT); err != nil {
		return nil, err
	}
	var err error
	if t.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	t.Kind = store.TokenKind(kind)
	t.IssuedAt, t.ExpiresAt = FromMicros(issued), FromMicros(expires)
	return &t, nil
}
