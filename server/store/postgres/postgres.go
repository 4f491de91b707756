// Package postgres is the implementation of store.Store on a PostgreSQL
// server (github.com/jackc/pgx/v5, with its connection pool), for reference
// servers that run as replicas: every replica opens the same database and
// sees the clients, codes, grants and tokens of the others.
//
// Layout: as in the SQLite store, one row per record, every field in its
// own column, times as unix microseconds; see schema.go. Open creates the
// schema in an empty database and migrates an older one, under an advisory
// lock, so that replicas starting together do not both do it.
//
// Concurrency, across the replicas as within one:
//
//   - ConsumeCode and RotateToken are one conditional UPDATE ... WHERE NOT
//     used RETURNING. Under READ COMMITTED, a second UPDATE of the row waits
//     for the first to commit and then evaluates its WHERE clause again on
//     the row as the first left it, so of any number of concurrent callers
//     exactly one matches the row. No serializable transaction (and no
//     retry) is needed for a single-row transition.
//   - RevokeGrant and SaveToken must be ordered: a token saved while its
//     grant is being revoked is either revoked with the others or refused.
//     Under READ COMMITTED a conditional INSERT does not see a revocation
//     that has not committed yet, nor the UPDATE of the revocation a token
//     that has not, so both take an advisory lock on the grant (SaveToken
//     shared, RevokeGrant exclusive) in a statement before their work: the
//     later statements take their snapshots once the other side committed.
//     Saves of one grant do not wait for each other, only for a revocation.
//     Each is one round trip: the statements go as one batch, which
//     PostgreSQL runs as one implicit transaction.
//   - UseOnce is one INSERT ... ON CONFLICT DO UPDATE ... WHERE expired.
//   - Transactions of several statements that delete or update many rows
//     (deleting or evicting a client, revoking a grant) are retried when
//     PostgreSQL aborts them to break a deadlock.
//
// Expired rows are swept, at most once a minute per replica, in batches of
// sweepBatch rows, each its own short transaction that skips rows locked by
// others (FOR UPDATE SKIP LOCKED), so a sweep never holds many locks for
// long nor waits for another replica's sweep.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authspec/authspec/server/store"
)

const (
	// sweepEvery, codeRetention and tokenRetention are those of the memory
	// and SQLite stores: used codes stay ten minutes past expiry so that a
	// late replay still reads as a replay; tokens an hour.
	sweepEvery     = time.Minute
	codeRetention  = 10 * time.Minute
	tokenRetention = time.Hour
	// sweepBatch is how many rows one statement of a sweep deletes, and
	// sweepBatches how many statements a sweep runs per kind of record; a
	// sweep that leaves rows behind is due again at the next call.
	sweepBatch   = 500
	sweepBatches = 20
	// sweepClientBatch is how many expired clients one transaction of a
	// sweep deletes, with everything issued to them.
	sweepClientBatch = 20
	// defaultMaxConns is the pool size when the URL sets no pool_max_conns.
	defaultMaxConns = 16
	// retries bounds the attempts of a transaction aborted by a deadlock.
	retries = 5
	// grantLockClass is the first key of the advisory locks on grants
	// ("ag"), the second being a hash of the grant ID. Two grants with one
	// hash share a lock: they wait for each other, nothing more.
	grantLockClass int32 = 0x6167
	// schemaLockClass keys the advisory lock of the migration.
	schemaLockClass int32 = 0x6173
)

// liveClient is the condition on a clients row that has not expired at the
// instant bound to $1.
const liveClient = `(expires_at = 0 OR expires_at > $1)`

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// now is the clock of client expiry and sweeps.
	now func() time.Time
	// nextSweep is when the next sweep is due, in unix nanoseconds.
	nextSweep atomic.Int64

	closeOnce sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database that url names (postgres://... or
// postgresql://..., or a keyword/value string; libpq's PG* environment
// variables and password file fill what it leaves out), and creates or
// migrates the schema. A database written by a newer authspec is refused.
// Errors never show the password.
func Open(ctx context.Context, url string) (*Store, error) {
	if url == "" {
		return nil, errors.New("postgres: open: empty URL")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors redact the password.
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", where(cfg), err)
	}
	s := &Store{pool: pool, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", where(cfg), err)
	}
	return s, nil
}

// where names the database of cfg, for errors: host, port and database,
// never the password.
func where(cfg *pgxpool.Config) string {
	return fmt.Sprintf("database %q on %s:%d", cfg.ConnConfig.Database, cfg.ConnConfig.Host, cfg.ConnConfig.Port)
}

// migrate brings the schema to schemaVersion in one transaction, holding an
// advisory lock so that replicas opening a new database together wait for
// the first to create it.
func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int4, 0)`, schemaLockClass); err != nil {
			return fmt.Errorf("lock the schema: %w", err)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('authspec_schema') IS NOT NULL`).Scan(&exists); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		v := 0
		if exists {
			if err := tx.QueryRow(ctx, `SELECT version FROM authspec_schema`).Scan(&v); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
		}
		switch {
		case v == schemaVersion:
			return nil
		case v > schemaVersion:
			return fmt.Errorf("schema version %d is not one this authspec knows (%d): the database was written by a newer authspec", v, schemaVersion)
		}
		for ; v < schemaVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE authspec_schema SET version = $1`, schemaVersion); err != nil {
			return fmt.Errorf("set schema version: %w", err)
		}
		return nil
	})
}

// Close implements store.Store. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(s.pool.Close)
	return nil
}

// ---------------------------------------------------------------------------
// Encoding

// micros encodes a time as unix microseconds, the zero time as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros decodes micros, in UTC.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// bytes binds a string to a bytea column: never NULL.
func bytes(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return []byte(s)
}

// blob binds a hash to a nullable bytea column: NULL when empty.
func blob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nilIfEmpty is the decoding side of blob.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// encodeList encodes a string list as a JSON array.
func encodeList(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ss)
	return string(b), err
}

// decodeList decodes encodeList; an empty list comes back nil.
func decodeList(s string) ([]string, error) {
	var ss []string
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &ss); err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, nil
	}
	return ss, nil
}

// isCode reports whether err is a PostgreSQL error with one of codes.
func isCode(err error, codes ...string) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// isUniqueViolation reports whether err is a unique constraint failure.
func isUniqueViolation(err error) bool { return isCode(err, "23505") }

// retry runs fn, again when PostgreSQL aborted it to break a deadlock
// (40P01) or a serialization failure (40001), after a short random pause.
func retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == retries || !isCode(err, "40P01", "40001") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(rand.Int64N(int64(attempt) * int64(10*time.Millisecond)))):
		}
	}
}

// inTx runs fn in a transaction, retried as retry does.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return retry(ctx, func() error { return pgx.BeginFunc(ctx, s.pool, fn) })
}

// grantLock is the second key of the advisory lock on grantID.
func grantLock(grantID string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(grantID))
	return int32(h.Sum32())
}

// ---------------------------------------------------------------------------
// Clients

const clientColumns = `id, secret_hash, secret_expires_at, registration_token_hash, issued_at, expires_at, metadata`

// CreateClient implements store.Clients. A client that has expired but is
// not yet swept gives way to the new one.
func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("postgres: create client %q: encode metadata: %w", c.ID, err)
	}
	insert := func(db interface {
		Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
	}) error {
		_, err := db.Exec(ctx, `INSERT INTO clients (`+clientColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			bytes(c.ID), blob(c.SecretHash), micros(c.SecretExpiresAt), blob(c.RegistrationTokenHash),
			micros(c.IssuedAt), micros(c.ExpiresAt), string(md))
		return err
	}
	s.maybeSweep(ctx)
	err = insert(s.pool)
	if isUniqueViolation(err) {
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			var live bool
			err := tx.QueryRow(ctx, `SELECT `+liveClient+` FROM clients WHERE id = $2 FOR UPDATE`, micros(s.now()), bytes(c.ID)).Scan(&live)
			switch {
			case errors.Is(err, pgx.ErrNoRows): // deleted meanwhile
			case err != nil:
				return err
			case live:
				return store.ErrExists
			default:
				if err := deleteClientRows(ctx, tx, [][]byte{bytes(c.ID)}); err != nil {
					return err
				}
			}
			err = insert(tx)
			if isUniqueViolation(err) { // created meanwhile
				return store.ErrExists
			}
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("postgres: create client %q: %w", c.ID, err)
	}
	return nil
}

// GetClient implements store.Clients.
func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	var c store.Client
	var rawID []byte
	var secretExpires, issued, expires int64
	var md string
	err := s.pool.QueryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = $2 AND `+liveClient,
		micros(s.now()), bytes(id)).
		Scan(&rawID, &c.SecretHash, &secretExpires, &c.RegistrationTokenHash, &issued, &expires, &md)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: get client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get client %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(md), &c.Metadata); err != nil {
		return nil, fmt.Errorf("postgres: get client %q: decode metadata: %w", id, err)
	}
	c.ID = string(rawID)
	c.SecretHash, c.RegistrationTokenHash = nilIfEmpty(c.SecretHash), nilIfEmpty(c.RegistrationTokenHash)
	c.SecretExpiresAt, c.IssuedAt, c.ExpiresAt = fromMicros(secretExpires), fromMicros(issued), fromMicros(expires)
	return &c, nil
}

// UpdateClient implements store.Clients.
func (s *Store) UpdateClient(ctx context.Context, c *store.Client) error {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return fmt.Errorf("postgres: update client %q: encode metadata: %w", c.ID, err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE clients SET secret_hash = $3, secret_expires_at = $4,
		registration_token_hash = $5, issued_at = $6, expires_at = $7, metadata = $8 WHERE id = $2 AND `+liveClient,
		micros(s.now()), bytes(c.ID), blob(c.SecretHash), micros(c.SecretExpiresAt), blob(c.RegistrationTokenHash),
		micros(c.IssuedAt), micros(c.ExpiresAt), string(md))
	if err != nil {
		return fmt.Errorf("postgres: update client %q: %w", c.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: update client %q: %w", c.ID, store.ErrNotFound)
	}
	return nil
}

// deleteClientRows deletes the clients ids with their codes, tokens and
// consents, in the order of the counters' locks (schema.go).
func deleteClientRows(ctx context.Context, tx pgx.Tx, ids [][]byte) error {
	for _, table := range []string{"codes", "tokens", "consents"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE client_id = ANY($1)`, ids); err != nil {
			return fmt.Errorf("delete its %s: %w", table, err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM clients WHERE id = ANY($1)`, ids); err != nil {
		return err
	}
	return nil
}

// DeleteClient implements store.Clients. An expired client is deleted too,
// but reported as not found.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	var live bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT `+liveClient+` FROM clients WHERE id = $2 FOR UPDATE`,
			micros(s.now()), bytes(id)).Scan(&live); err != nil {
			return err
		}
		return deleteClientRows(ctx, tx, [][]byte{bytes(id)})
	})
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !live {
		return fmt.Errorf("postgres: delete client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: delete client %q: %w", id, err)
	}
	return nil
}

// ExtendClient implements store.Clients.
func (s *Store) ExtendClient(ctx context.Context, id string, expiresAt time.Time) error {
	now := micros(s.now())
	tag, err := s.pool.Exec(ctx, `UPDATE clients SET expires_at = $3 WHERE id = $2 AND expires_at != 0 AND expires_at < $3 AND `+liveClient,
		now, bytes(id), micros(expiresAt))
	if err != nil {
		return fmt.Errorf("postgres: extend client %q: %w", id, err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var one int
	err = s.pool.QueryRow(ctx, `SELECT 1 FROM clients WHERE id = $2 AND `+liveClient, now, bytes(id)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: extend client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: extend client %q: %w", id, err)
	}
	return nil
}

// EvictClient implements store.Clients, on the index of expiry times. A
// client that another transaction holds (being deleted, evicted by another
// replica) is passed over for the next one.
func (s *Store) EvictClient(ctx context.Context, before time.Time) (string, error) {
	var id []byte
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT id FROM clients WHERE expires_at != 0 AND expires_at < $1
			ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`, micros(before)).Scan(&id); err != nil {
			return err
		}
		return deleteClientRows(ctx, tx, [][]byte{id})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("postgres: evict client: %w", store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("postgres: evict client: %w", err)
	}
	return string(id), nil
}

// ---------------------------------------------------------------------------
// Sweeping

// maybeSweep removes codes and tokens long past expiry (see codeRetention and
// tokenRetention), expired clients with what was issued to them, revoked
// grants past store.RevocationRetention and expired single-use keys, at most
// once per sweepEvery, so that the tables stay bounded by what is issued per
// lifetime. Only one caller of a Store sweeps at a time.
func (s *Store) maybeSweep(ctx context.Context) {
	now := s.now()
	due := s.nextSweep.Load()
	if now.UnixNano() < due || !s.nextSweep.CompareAndSwap(due, now.Add(sweepEvery).UnixNano()) {
		return
	}
	// Best effort: a failed sweep is retried at the next one, and a database
	// that cannot delete will fail the caller's insert anyway.
	if done, err := s.sweep(ctx, now); err == nil && !done {
		s.nextSweep.Store(0) // rows are left: sweep again at the next call
	}
}

// sweep runs the batches of a sweep; done is false when rows were left for
// the next.
func (s *Store) sweep(ctx context.Context, now time.Time) (done bool, err error) {
	done = true
	for _, b := range []struct {
		what, stmt string
		at         time.Time
	}{
		{"codes", `DELETE FROM codes WHERE hash IN (SELECT hash FROM codes WHERE expires_at < $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-codeRetention)},
		{"tokens", `DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at != 0 AND expires_at < $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-tokenRetention)},
		{"revoked grants", `DELETE FROM revoked_grants WHERE grant_id IN (SELECT grant_id FROM revoked_grants r
			WHERE revoked_at < $1 AND NOT EXISTS (SELECT 1 FROM tokens WHERE tokens.grant_id = r.grant_id)
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-store.RevocationRetention)},
		{"single-use keys", `DELETE FROM used_once WHERE key IN (SELECT key FROM used_once WHERE expires_at <= $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now},
	} {
		left, err := s.sweepBatches(ctx, b.what, sweepBatch, func() (int64, error) {
			tag, err := s.pool.Exec(ctx, b.stmt, micros(b.at))
			return tag.RowsAffected(), err
		})
		if err != nil {
			return false, err
		}
		done = done && !left
	}
	left, err := s.sweepBatches(ctx, "clients", sweepClientBatch, func() (int64, error) { return s.sweepClients(ctx, now) })
	if err != nil {
		return false, err
	}
	done = done && !left
	for _, table := range []string{"client_codes", "client_tokens"} {
		if _, err := s.pool.Exec(ctx, `DELETE FROM `+table+` WHERE n = 0`); err != nil {
			return false, fmt.Errorf("postgres: sweep %s: %w", table, err)
		}
	}
	return done, nil
}

// sweepBatches runs batch until it deletes less than a full batch of size
// rows, at most sweepBatches times; left reports that it stopped at that
// bound.
func (s *Store) sweepBatches(ctx context.Context, what string, size int64, batch func() (int64, error)) (left bool, err error) {
	for range sweepBatches {
		n, err := batch()
		if err != nil {
			return false, fmt.Errorf("postgres: sweep %s: %w", what, err)
		}
		if n < size {
			return false, nil
		}
	}
	return true, nil
}

// sweepClients deletes a batch of expired clients with what was issued to
// them, and returns how many.
func (s *Store) sweepClients(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM clients WHERE expires_at != 0 AND expires_at <= $1
			ORDER BY id LIMIT `+fmt.Sprint(sweepClientBatch)+` FOR UPDATE SKIP LOCKED`, micros(now))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		if err != nil || len(ids) == 0 {
			return err
		}
		n = int64(len(ids))
		return deleteClientRows(ctx, tx, ids)
	})
	return n, err
}

// ---------------------------------------------------------------------------
// Codes

const codeColumns = `hash, client_id, redirect_uri, subject, scope, resources, code_challenge,
	code_challenge_method, grant_id, issued_at, expires_at, dpop_jkt`

// scanCode scans the codeColumns of a row, and then the extra destinations.
func scanCode(row pgx.Row, extra ...any) (*store.Code, error) {
	var c store.Code
	var clientID, redirectURI, subject, scope, challenge, method, grantID []byte
	var resources string
	var issued, expires int64
	dest := append([]any{&c.Hash, &clientID, &redirectURI, &subject, &scope, &resources, &challenge,
		&method, &grantID, &issued, &expires, &c.DPoPJKT}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if c.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	c.ClientID, c.RedirectURI, c.Subject, c.Scope = string(clientID), string(redirectURI), string(subject), string(scope)
	c.CodeChallenge, c.CodeChallengeMethod, c.GrantID = string(challenge), string(method), string(grantID)
	c.IssuedAt, c.ExpiresAt = fromMicros(issued), fromMicros(expires)
	return &c, nil
}

// SaveCode implements store.Codes. Expired records are swept on the way
// (see maybeSweep).
func (s *Store) SaveCode(ctx context.Context, c *store.Code) error {
	s.maybeSweep(ctx)
	resources, err := encodeList(c.Resources)
	if err != nil {
		return fmt.Errorf("postgres: save code: encode resources: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO codes (`+codeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.Hash, bytes(c.ClientID), bytes(c.RedirectURI), bytes(c.Subject), bytes(c.Scope), resources,
		bytes(c.CodeChallenge), bytes(c.CodeChallengeMethod), bytes(c.GrantID), micros(c.IssuedAt), micros(c.ExpiresAt), c.DPoPJKT)
	if isUniqueViolation(err) {
		return fmt.Errorf("postgres: save code: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: save code: %w", err)
	}
	return nil
}

// GetCode implements store.Codes.
func (s *Store) GetCode(ctx context.Context, hash []byte) (*store.Code, error) {
	var used bool
	c, err := scanCode(s.pool.QueryRow(ctx, `SELECT `+codeColumns+`, used FROM codes WHERE hash = $1`, hash), &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: get code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get code: %w", err)
	}
	if used {
		return c, fmt.Errorf("postgres: get code: %w", store.ErrAlreadyUsed)
	}
	return c, nil
}

// ConsumeCode implements store.Codes with one conditional UPDATE (see the
// package comment): of any number of concurrent callers, on any replica,
// exactly one sees the row change.
func (s *Store) ConsumeCode(ctx context.Context, hash []byte) (*store.Code, error) {
	c, err := scanCode(s.pool.QueryRow(ctx,
		`UPDATE codes SET used = true WHERE hash = $1 AND NOT used RETURNING `+codeColumns, hash))
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: consume code: %w", err)
	}
	// Absent, or used before: codes are never marked unused again.
	c, err = scanCode(s.pool.QueryRow(ctx, `SELECT `+codeColumns+` FROM codes WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: consume code: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: consume code: %w", err)
	}
	return c, fmt.Errorf("postgres: consume code: %w", store.ErrAlreadyUsed)
}

// ---------------------------------------------------------------------------
// Tokens

const tokenColumns = `hash, kind, client_id, subject, scope, resources, grant_id, issued_at, expires_at, revoked, rotated, jkt`

func scanToken(row pgx.Row) (*store.Token, error) {
	var t store.Token
	var kind, resources string
	var clientID, subject, scope, grantID []byte
	var issued, expires int64
	if err := row.Scan(&t.Hash, &kind, &clientID, &subject, &scope, &resources, &grantID,
		&issued, &expires, &t.Revoked, &t.Rotated, &t.JKT); err != nil {
		return nil, err
	}
	var err error
	if t.Resources, err = decodeList(resources); err != nil {
		return nil, fmt.Errorf("decode resources: %w", err)
	}
	t.Kind = store.TokenKind(kind)
	t.ClientID, t.Subject, t.Scope, t.GrantID = string(clientID), string(subject), string(scope), string(grantID)
	t.IssuedAt, t.ExpiresAt = fromMicros(issued), fromMicros(expires)
	return &t, nil
}

// SaveToken implements store.Tokens. Expired records are swept on the way
// (see maybeSweep). The insert, conditional on the grant not being revoked,
// follows a shared advisory lock on the grant in the same implicit
// transaction (see the package comment).
func (s *Store) SaveToken(ctx context.Context, t *store.Token) error {
	s.maybeSweep(ctx)
	resources, err := encodeList(t.Resources)
	if err != nil {
		return fmt.Errorf("postgres: save token: encode resources: %w", err)
	}
	var b pgx.Batch
	if t.GrantID != "" {
		b.Queue(`SELECT pg_advisory_xact_lock_shared($1::int4, $2::int4)`, grantLockClass, grantLock(t.GrantID))
	}
	insert := b.Queue(`INSERT INTO tokens (`+tokenColumns+`) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
		WHERE NOT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = $7)`,
		t.Hash, string(t.Kind), bytes(t.ClientID), bytes(t.Subject), bytes(t.Scope), resources, bytes(t.GrantID),
		micros(t.IssuedAt), micros(t.ExpiresAt), t.Revoked, t.Rotated, t.JKT)
	var n int64
	insert.Exec(func(tag pgconn.CommandTag) error { n = tag.RowsAffected(); return nil })
	err = retry(ctx, func() error { return s.pool.SendBatch(ctx, &b).Close() })
	if isUniqueViolation(err) {
		return fmt.Errorf("postgres: save token: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: save token: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: save token of grant %q: %w", t.GrantID, store.ErrRevoked)
	}
	return nil
}

// GetToken implements store.Tokens.
func (s *Store) GetToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: get token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get token: %w", err)
	}
	return t, nil
}

// RotateToken implements store.Tokens. Like ConsumeCode, the transition is
// one conditional UPDATE.
func (s *Store) RotateToken(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx,
		`UPDATE tokens SET rotated = true WHERE hash = $1 AND NOT rotated RETURNING `+tokenColumns, hash))
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: rotate token: %w", err)
	}
	t, err = scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: rotate token: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: rotate token: %w", err)
	}
	return t, fmt.Errorf("postgres: rotate token: %w", store.ErrAlreadyUsed)
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(ctx context.Context, hash []byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked = true WHERE hash = $1`, hash)
	if err != nil {
		return fmt.Errorf("postgres: revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: revoke token: %w", store.ErrNotFound)
	}
	return nil
}

// RevokeGrant implements store.Tokens: under the exclusive advisory lock of
// the grant, it marks the grant revoked and revokes its tokens, on the index
// of grant IDs, in one implicit transaction. The empty grant ID names no
// grant and revokes nothing.
func (s *Store) RevokeGrant(ctx context.Context, grantID string) error {
	if grantID == "" {
		return nil
	}
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock($1::int4, $2::int4)`, grantLockClass, grantLock(grantID))
	b.Queue(`INSERT INTO revoked_grants (grant_id, revoked_at) VALUES ($1, $2) ON CONFLICT (grant_id) DO NOTHING`,
		bytes(grantID), micros(s.now()))
	b.Queue(`UPDATE tokens SET revoked = true WHERE grant_id = $1 AND NOT revoked`, bytes(grantID))
	if err := retry(ctx, func() error { return s.pool.SendBatch(ctx, &b).Close() }); err != nil {
		return fmt.Errorf("postgres: revoke grant %q: %w", grantID, err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Consents

// SaveConsent implements store.Consents.
func (s *Store) SaveConsent(ctx context.Context, c *store.Consent) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO consents (subject, client_id, scope, granted) VALUES ($1, $2, $3, $4)
		ON CONFLICT (subject, client_id) DO UPDATE SET scope = excluded.scope, granted = excluded.granted`,
		bytes(c.Subject), bytes(c.ClientID), bytes(c.Scope), micros(c.Granted))
	if err != nil {
		return fmt.Errorf("postgres: save consent for client %q: %w", c.ClientID, err)
	}
	return nil
}

// GetConsent implements store.Consents.
func (s *Store) GetConsent(ctx context.Context, subject, clientID string) (*store.Consent, error) {
	var scope []byte
	var granted int64
	err := s.pool.QueryRow(ctx, `SELECT scope, granted FROM consents WHERE subject = $1 AND client_id = $2`,
		bytes(subject), bytes(clientID)).Scan(&scope, &granted)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres: get consent for client %q: %w", clientID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get consent for client %q: %w", clientID, err)
	}
	return &store.Consent{Subject: subject, ClientID: clientID, Scope: string(scope), Granted: fromMicros(granted)}, nil
}

// ---------------------------------------------------------------------------
// Single-use keys and usage

// UseOnce implements store.Once with one conditional upsert: an expired key
// is taken over, a live one is not. Concurrent upserts of one key are
// ordered by its unique index: one inserts, the others update or not.
func (s *Store) UseOnce(ctx context.Context, key string, expiresAt time.Time) error {
	s.maybeSweep(ctx)
	tag, err := s.pool.Exec(ctx, `INSERT INTO used_once AS u (key, expires_at) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE u.expires_at <= $3`,
		bytes(key), micros(expiresAt), micros(s.now()))
	if err != nil {
		return fmt.Errorf("postgres: use once: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: use once: %w", store.ErrAlreadyUsed)
	}
	return nil
}

// usageSQL sums the slots of the counters the triggers keep, and counts the
// grant's tokens on their index.
const usageSQL = `SELECT
	(SELECT coalesce(sum(n), 0)::bigint FROM counters WHERE name = 'clients'),
	(SELECT coalesce(sum(n), 0)::bigint FROM counters WHERE name = 'codes'),
	(SELECT coalesce(sum(n), 0)::bigint FROM counters WHERE name = 'tokens'),
	(SELECT coalesce(sum(n), 0)::bigint FROM client_codes WHERE client_id = $1::bytea AND length($1::bytea) > 0),
	(SELECT coalesce(sum(n), 0)::bigint FROM client_tokens WHERE client_id = $1::bytea AND length($1::bytea) > 0),
	CASE WHEN length($2::bytea) = 0 THEN 0 ELSE (SELECT count(*) FROM tokens WHERE grant_id = $2::bytea) END`

// Usage implements store.Usages.
func (s *Store) Usage(ctx context.Context, clientID, grantID string) (store.Usage, error) {
	var n [6]int64
	err := s.pool.QueryRow(ctx, usageSQL, bytes(clientID), bytes(grantID)).Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5])
	if err != nil {
		return store.Usage{}, fmt.Errorf("postgres: usage: %w", err)
	}
	return store.Usage{Clients: int(n[0]), Codes: int(n[1]), Tokens: int(n[2]),
		ClientCodes: int(n[3]), ClientTokens: int(n[4]), GrantTokens: int(n[5])}, nil
}
