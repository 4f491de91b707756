package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/sqlstore"
)

// schemaVersion is the PRAGMA user_version of the layout below. Version 1
// (authspec before this layout) kept codes and tokens as JSON documents;
// version 2 had neither client expiry, revoked grants, single-use keys nor
// counters; version 3 had no DPoP key thumbprints. Open migrates them all.
const schemaVersion = 4

// schema creates the tables of schemaVersion. clients and consents are as in
// version 1.
const schema = `
CREATE TABLE clients (
	id TEXT PRIMARY KEY,
	secret_hash BLOB,
	secret_expires_at INTEGER NOT NULL DEFAULT 0,
	registration_token_hash BLOB,
	issued_at INTEGER NOT NULL,
	metadata TEXT NOT NULL
);
CREATE TABLE consents (
	subject TEXT NOT NULL,
	client_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	granted INTEGER NOT NULL,
	PRIMARY KEY (subject, client_id)
);
` + schemaV2

// schemaV2 is what version 2 added to version 1.
const schemaV2 = `
CREATE TABLE codes (
	hash BLOB NOT NULL PRIMARY KEY,
	client_id TEXT NOT NULL,
	redirect_uri TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT '',
	resources TEXT NOT NULL DEFAULT '[]',
	code_challenge TEXT NOT NULL DEFAULT '',
	code_challenge_method TEXT NOT NULL DEFAULT '',
	grant_id TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0,
	used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX codes_client ON codes(client_id);
CREATE INDEX codes_expires ON codes(expires_at);
CREATE TABLE tokens (
	hash BLOB NOT NULL PRIMARY KEY,
	kind TEXT NOT NULL,
	client_id TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	scope TEXT NOT NULL DEFAULT '',
	resources TEXT NOT NULL DEFAULT '[]',
	grant_id TEXT NOT NULL DEFAULT '',
	issued_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0,
	revoked INTEGER NOT NULL DEFAULT 0,
	rotated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_client ON tokens(client_id);
CREATE INDEX tokens_grant ON tokens(grant_id);
CREATE INDEX tokens_expires ON tokens(expires_at) WHERE expires_at != 0;
CREATE INDEX consents_client ON consents(client_id);
`

// schemaV3 is what version 3 added to version 2: client expiry, revoked
// grants, single-use keys, and counters kept by triggers so that Usage
// costs no table scan.
const schemaV3 = `
ALTER TABLE clients ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX clients_expires ON clients(expires_at) WHERE expires_at != 0;
CREATE TABLE revoked_grants (
	grant_id TEXT NOT NULL PRIMARY KEY,
	revoked_at INTEGER NOT NULL
);
CREATE TABLE used_once (
	key BLOB NOT NULL PRIMARY KEY,
	expires_at INTEGER NOT NULL
);
CREATE INDEX used_once_expires ON used_once(expires_at);
CREATE TABLE counters (
	name TEXT NOT NULL PRIMARY KEY,
	n INTEGER NOT NULL
);
INSERT INTO counters (name, n) VALUES
	('clients', (SELECT count(*) FROM clients)),
	('codes', (SELECT count(*) FROM codes)),
	('tokens', (SELECT count(*) FROM tokens));
CREATE TABLE client_usage (
	client_id TEXT NOT NULL PRIMARY KEY,
	codes INTEGER NOT NULL DEFAULT 0,
	tokens INTEGER NOT NULL DEFAULT 0
);
INSERT INTO client_usage (client_id, codes, tokens)
	SELECT client_id, sum(codes), sum(tokens) FROM (
		SELECT client_id, count(*) AS codes, 0 AS tokens FROM codes GROUP BY client_id
		UNION ALL
		SELECT client_id, 0, count(*) FROM tokens GROUP BY client_id)
	GROUP BY client_id;
CREATE TRIGGER clients_counted AFTER INSERT ON clients BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'clients';
END;
CREATE TRIGGER clients_uncounted AFTER DELETE ON clients BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'clients';
END;
CREATE TRIGGER codes_counted AFTER INSERT ON codes BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'codes';
	INSERT OR IGNORE INTO client_usage (client_id) VALUES (NEW.client_id);
	UPDATE client_usage SET codes = codes + 1 WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER codes_uncounted AFTER DELETE ON codes BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'codes';
	UPDATE client_usage SET codes = codes - 1 WHERE client_id = OLD.client_id;
END;
CREATE TRIGGER tokens_counted AFTER INSERT ON tokens BEGIN
	UPDATE counters SET n = n + 1 WHERE name = 'tokens';
	INSERT OR IGNORE INTO client_usage (client_id) VALUES (NEW.client_id);
	UPDATE client_usage SET tokens = tokens + 1 WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER tokens_uncounted AFTER DELETE ON tokens BEGIN
	UPDATE counters SET n = n - 1 WHERE name = 'tokens';
	UPDATE client_usage SET tokens = tokens - 1 WHERE client_id = OLD.client_id;
END;
`

// schemaV4 is what version 4 added to version 3: the DPoP key thumbprints
// of codes (RFC 9449 §10 dpop_jkt) and tokens (§6.1 cnf.jkt).
const schemaV4 = `
ALTER TABLE codes ADD COLUMN dpop_jkt TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN jkt TEXT NOT NULL DEFAULT '';
`

// migrate brings the schema to schemaVersion in one IMMEDIATE transaction,
// so that two processes opening a new file do not both create it.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch v {
	case schemaVersion:
		return nil
	case 0:
		if _, err := tx.ExecContext(ctx, schema+schemaV3+schemaV4); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	case 1, 2, 3:
		if v == 1 {
			if err := migrateV1(ctx, tx); err != nil {
				return fmt.Errorf("migrate schema from version 1: %w", err)
			}
		}
		if v < 3 {
			if _, err := tx.ExecContext(ctx, schemaV3); err != nil {
				return fmt.Errorf("migrate schema to version 3: %w", err)
			}
		}
		if v > 1 {
			if _, err := tx.ExecContext(ctx, schemaV4); err != nil {
				return fmt.Errorf("migrate schema to version 4: %w", err)
			}
		}
	default:
		return fmt.Errorf("schema version %d is not one this authspec knows (%d): the database was written by a newer authspec", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}

// migrateV1 moves codes and tokens from version 1, where a JSON encoding of
// store.Code and store.Token sat in a data column, to their own columns.
func migrateV1(ctx context.Context, tx *sql.Tx) error {
	type v1Code struct {
		code store.Code
		used bool
	}
	var codes []v1Code
	if err := eachRow(ctx, tx, `SELECT data, used FROM codes`, func(rows *sql.Rows) error {
		var data string
		var c v1Code
		if err := rows.Scan(&data, &c.used); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(data), &c.code); err != nil {
			return fmt.Errorf("decode code: %w", err)
		}
		codes = append(codes, c)
		return nil
	}); err != nil {
		return err
	}
	var tokens []store.Token
	if err := eachRow(ctx, tx, `SELECT data, revoked, rotated FROM tokens`, func(rows *sql.Rows) error {
		var data string
		var t store.Token
		var revoked, rotated bool
		if err := rows.Scan(&data, &revoked, &rotated); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(data), &t); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		t.Revoked, t.Rotated = revoked, rotated
		tokens = append(tokens, t)
		return nil
	}); err != nil {
		return err
	}
	// The version 1 indexes carry the names of the version 2 ones.
	// The tables are created with the columns of version 4, which the
	// inserts below fill.
	if _, err := tx.ExecContext(ctx, `DROP TABLE codes; DROP TABLE tokens;`+schemaV2+schemaV4); err != nil {
		return err
	}
	db := &conn{q: tx}
	for _, c := range codes {
		if err := dialect.InsertCode(ctx, db, &c.code, c.used); err != nil {
			return err
		}
	}
	for i := range tokens {
		args, err := dialect.TokenArgs(&tokens[i])
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `INSERT INTO tokens (`+sqlstore.TokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return err
		}
	}
	return nil
}

func eachRow(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
