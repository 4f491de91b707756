// Package postgres is the implementation of store.Store on a PostgreSQL
// server (github.com/jackc/pgx/v5, with its connection pool), for reference
// servers that run as replicas: every replica opens the same database and
// sees the clients, codes, grants and tokens of the others.
//
// Layout: that of package sqlstore, which holds what this store shares with
// the SQLite one, with strings that can come from a request in bytea; see
// schema.go. Open creates the schema in an empty database and migrates an
// older one, under an advisory lock, so that replicas starting together do
// not both do it.
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
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlstore"
)

const (
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

// dialect is PostgreSQL's, for the statements of sqlstore.
var dialect = sqlstore.Dialect{
	Name:            "postgres",
	NoRows:          pgx.ErrNoRows,
	UniqueViolation: isUniqueViolation,
	Text:            func(s string) any { return sqlstore.Bytes(s) },
}

// liveSQL tells whether the client bound to $2 has not expired at the
// instant bound to $1, and locks its row.
var liveSQL = sqlstore.Numbered(`SELECT ` + sqlstore.LiveClient + ` FROM clients WHERE id = ? FOR UPDATE`)

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	sqlstore.Core
	pool *pgxpool.Pool
	// now is the clock of client expiry and sweeps.
	now     func() time.Time
	sweeper sqlstore.Sweeper

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
	s.sweeper.Sweep = s.sweep
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", where(cfg), err)
	}
	s.Core = sqlstore.NewCore(sqlstore.Config{
		Dialect: dialect, Read: conn{pool}, Write: conn{pool},
		Now:                  func() time.Time { return s.now() },
		BeforeInsert:         s.maybeSweep,
		ReplaceExpiredClient: s.replaceExpiredClient,
	})
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
// Errors, retries and locks

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

// conn runs the statements of sqlstore on a pool or a transaction.
type conn struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

var _ sqlstore.DB = conn{}

// Exec implements sqlstore.DB.
func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, sqlstore.Numbered(query), args...)
	return tag.RowsAffected(), err
}

// QueryRow implements sqlstore.DB.
func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.q.QueryRow(ctx, sqlstore.Numbered(query), args...)
}

// ---------------------------------------------------------------------------
// Clients

// replaceExpiredClient deletes the expired client c.ID with what was issued
// to it and inserts c, in one transaction; ErrExists if the client has not
// expired, or was created meanwhile.
func (s *Store) replaceExpiredClient(ctx context.Context, c *store.Client) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var live bool
		err := tx.QueryRow(ctx, liveSQL, sqlstore.Micros(s.now()), sqlstore.Bytes(c.ID)).Scan(&live)
		switch {
		case errors.Is(err, pgx.ErrNoRows): // deleted meanwhile
		case err != nil:
			return err
		case live:
			return store.ErrExists
		default:
			if err := deleteClientRows(ctx, tx, [][]byte{sqlstore.Bytes(c.ID)}); err != nil {
				return err
			}
		}
		err = dialect.InsertClient(ctx, conn{tx}, c)
		if isUniqueViolation(err) { // created meanwhile
			return store.ErrExists
		}
		return err
	})
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
		if err := tx.QueryRow(ctx, liveSQL, sqlstore.Micros(s.now()), sqlstore.Bytes(id)).Scan(&live); err != nil {
			return err
		}
		return deleteClientRows(ctx, tx, [][]byte{sqlstore.Bytes(id)})
	})
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !live {
		return fmt.Errorf("postgres: delete client %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("postgres: delete client %q: %w", id, err)
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
			ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`, sqlstore.Micros(before)).Scan(&id); err != nil {
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

// maybeSweep removes codes and tokens long past expiry (see
// sqlstore.CodeRetention and sqlstore.TokenRetention), expired clients with
// what was issued to them, revoked grants past store.RevocationRetention and
// expired single-use keys, when a sweep is due.
func (s *Store) maybeSweep(ctx context.Context) { s.sweeper.Maybe(ctx, s.now()) }

// sweep runs the batches of a sweep; done is false when rows were left for
// the next.
func (s *Store) sweep(ctx context.Context, now time.Time) (done bool, err error) {
	done = true
	for _, b := range []struct {
		what, stmt string
		at         time.Time
	}{
		{"codes", `DELETE FROM codes WHERE hash IN (SELECT hash FROM codes WHERE expires_at < $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-sqlstore.CodeRetention)},
		{"tokens", `DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at != 0 AND expires_at < $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-sqlstore.TokenRetention)},
		{"revoked grants", `DELETE FROM revoked_grants WHERE grant_id IN (SELECT grant_id FROM revoked_grants r
			WHERE revoked_at < $1 AND NOT EXISTS (SELECT 1 FROM tokens WHERE tokens.grant_id = r.grant_id)
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now.Add(-store.RevocationRetention)},
		{"single-use keys", `DELETE FROM used_once WHERE key IN (SELECT key FROM used_once WHERE expires_at <= $1
			LIMIT ` + fmt.Sprint(sweepBatch) + ` FOR UPDATE SKIP LOCKED)`, now},
	} {
		left, err := s.sweepBatches(ctx, b.what, sweepBatch, func() (int64, error) {
			tag, err := s.pool.Exec(ctx, b.stmt, sqlstore.Micros(b.at))
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
			ORDER BY id LIMIT `+fmt.Sprint(sweepClientBatch)+` FOR UPDATE SKIP LOCKED`, sqlstore.Micros(now))
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
// Tokens

// SaveToken implements store.Tokens. Expired records are swept on the way
// (see maybeSweep). The insert, conditional on the grant not being revoked,
// follows a shared advisory lock on the grant in the same implicit
// transaction (see the package comment).
func (s *Store) SaveToken(ctx context.Context, t *store.Token) error {
	s.maybeSweep(ctx)
	args, err := dialect.TokenArgs(t)
	if err != nil {
		return fmt.Errorf("postgres: save token: %w", err)
	}
	var b pgx.Batch
	if t.GrantID != "" {
		b.Queue(`SELECT pg_advisory_xact_lock_shared($1::int4, $2::int4)`, grantLockClass, grantLock(t.GrantID))
	}
	insert := b.Queue(`INSERT INTO tokens (`+sqlstore.TokenColumns+`) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
		WHERE NOT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = $7)`, args...)
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
		sqlstore.Bytes(grantID), sqlstore.Micros(s.now()))
	b.Queue(`UPDATE tokens SET revoked = true WHERE grant_id = $1 AND NOT revoked`, sqlstore.Bytes(grantID))
	if err := retry(ctx, func() error { return s.pool.SendBatch(ctx, &b).Close() }); err != nil {
		return fmt.Errorf("postgres: revoke grant %q: %w", grantID, err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Usage

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
	err := s.pool.QueryRow(ctx, usageSQL, sqlstore.Bytes(clientID), sqlstore.Bytes(grantID)).Scan(&n[0], &n[1], &n[2], &n[3], &n[4], &n[5])
	if err != nil {
		return store.Usage{}, fmt.Errorf("postgres: usage: %w", err)
	}
	return store.Usage{Clients: int(n[0]), Codes: int(n[1]), Tokens: int(n[2]),
		ClientCodes: int(n[3]), ClientTokens: int(n[4]), GrantTokens: int(n[5])}, nil
}
