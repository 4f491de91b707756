package postgres

// schemaVersion is the version of the layout below, kept in the one row of
// authspec_schema. Open creates the layout in an empty database and refuses
// a database whose version is newer; a later layout adds its migration to
// migrations.
const schemaVersion = 2

// migrations[v] brings the schema from version v to v+1.
var migrations = []string{0: schemaV1, 1: schemaV2}

// schemaV1 is the first layout.
//
// Strings that can come from a request (client IDs, subjects, scopes,
// redirect URIs, grant IDs) are bytea, not text: text cannot hold a NUL
// byte nor, in a UTF8 database, invalid UTF-8, and a store must give back
// exactly what it was given (and not fail on what a stranger sends). String
// lists and client metadata are JSON in text, as in the SQLite store. Times
// are unix microseconds, 0 for the zero time.
//
// Usage must not scan tables on every token request, so triggers keep
// counters. One row per counter would make every insert of a code or token
// wait for the previous one's commit, across replicas; each counter is
// therefore split into 16 slots, and a record counts in the slot its hash
// (or ID) picks, on insert and on delete alike, so that a slot holds the
// exact count of its records and is never negative. The counters are
// locked in one order — the total counters of codes, the client's code
// counters, those of tokens, the client's token counters, the total
// counters of clients — by every statement and transaction of the store, and
// within a statement by slot, so that they add no deadlock of their own.
// (Two statements that update or delete many rows, such as the revocation
// of a grant and the deletion of its client, can still meet rows in
// opposite orders; the store retries a transaction PostgreSQL aborts to
// break such a deadlock.)
const schemaV1 = `
CREATE TABLE authspec_schema (version integer NOT NULL);
INSERT INTO authspec_schema (version) VALUES (0);

CREATE TABLE clients (
	id bytea PRIMARY KEY,
	secret_hash bytea,
	secret_expires_at bigint NOT NULL DEFAULT 0,
	registration_token_hash bytea,
	issued_at bigint NOT NULL,
	expires_at bigint NOT NULL DEFAULT 0,
	metadata text NOT NULL
);
CREATE INDEX clients_expires ON clients (expires_at) WHERE expires_at != 0;

CREATE TABLE consents (
	subject bytea NOT NULL,
	client_id bytea NOT NULL,
	scope bytea NOT NULL,
	granted bigint NOT NULL,
	PRIMARY KEY (subject, client_id)
);
CREATE INDEX consents_client ON consents (client_id);

CREATE TABLE codes (
	hash bytea PRIMARY KEY,
	client_id bytea NOT NULL,
	redirect_uri bytea NOT NULL,
	subject bytea NOT NULL,
	scope bytea NOT NULL,
	resources text NOT NULL DEFAULT '[]',
	code_challenge bytea NOT NULL,
	code_challenge_method bytea NOT NULL,
	grant_id bytea NOT NULL,
	issued_at bigint NOT NULL DEFAULT 0,
	expires_at bigint NOT NULL DEFAULT 0,
	used boolean NOT NULL DEFAULT false
);
CREATE INDEX codes_client ON codes (client_id);
CREATE INDEX codes_expires ON codes (expires_at);

CREATE TABLE tokens (
	hash bytea PRIMARY KEY,
	kind text NOT NULL,
	client_id bytea NOT NULL,
	subject bytea NOT NULL,
	scope bytea NOT NULL,
	resources text NOT NULL DEFAULT '[]',
	grant_id bytea NOT NULL,
	issued_at bigint NOT NULL DEFAULT 0,
	expires_at bigint NOT NULL DEFAULT 0,
	revoked boolean NOT NULL DEFAULT false,
	rotated boolean NOT NULL DEFAULT false
);
CREATE INDEX tokens_client ON tokens (client_id);
CREATE INDEX tokens_grant ON tokens (grant_id);
CREATE INDEX tokens_expires ON tokens (expires_at) WHERE expires_at != 0;

CREATE TABLE revoked_grants (
	grant_id bytea PRIMARY KEY,
	revoked_at bigint NOT NULL
);
CREATE INDEX revoked_grants_at ON revoked_grants (revoked_at);

CREATE TABLE used_once (
	key bytea PRIMARY KEY,
	expires_at bigint NOT NULL
);
CREATE INDEX used_once_expires ON used_once (expires_at);

-- Counters (see the comment of schemaV1 in schema.go).
CREATE FUNCTION authspec_slot(b bytea) RETURNS smallint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS 'SELECT (get_byte(sha256(b), 0) & 15)::smallint';

CREATE TABLE counters (
	name text NOT NULL,
	slot smallint NOT NULL,
	n bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (name, slot)
);
INSERT INTO counters (name, slot)
	SELECT name, slot FROM unnest(ARRAY['clients', 'codes', 'tokens']) AS name, generate_series(0, 15) AS slot;
CREATE TABLE client_codes (
	client_id bytea NOT NULL,
	slot smallint NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (client_id, slot)
);
CREATE TABLE client_tokens (
	client_id bytea NOT NULL,
	slot smallint NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (client_id, slot)
);

-- Inserts are one row at a time: a row trigger.
CREATE FUNCTION authspec_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	s smallint;
BEGIN
	IF TG_TABLE_NAME = 'clients' THEN
		UPDATE counters SET n = n + 1 WHERE name = 'clients' AND slot = authspec_slot(NEW.id);
		RETURN NULL;
	END IF;
	s := authspec_slot(NEW.hash);
	UPDATE counters SET n = n + 1 WHERE name = TG_TABLE_NAME AND slot = s;
	IF TG_TABLE_NAME = 'codes' THEN
		INSERT INTO client_codes AS c (client_id, slot, n) VALUES (NEW.client_id, s, 1)
			ON CONFLICT (client_id, slot) DO UPDATE SET n = c.n + 1;
	ELSE
		INSERT INTO client_tokens AS c (client_id, slot, n) VALUES (NEW.client_id, s, 1)
			ON CONFLICT (client_id, slot) DO UPDATE SET n = c.n + 1;
	END IF;
	RETURN NULL;
END $$;

-- Deletes can be many rows (a client's tokens, a sweep): a statement
-- trigger, taking its locks in order.
CREATE FUNCTION authspec_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF TG_TABLE_NAME = 'clients' THEN
		FOR r IN SELECT authspec_slot(id) AS slot, count(*) AS n FROM old_rows GROUP BY 1 ORDER BY 1 LOOP
			UPDATE counters SET n = n - r.n WHERE name = 'clients' AND slot = r.slot;
		END LOOP;
		RETURN NULL;
	END IF;
	FOR r IN SELECT authspec_slot(hash) AS slot, count(*) AS n FROM old_rows GROUP BY 1 ORDER BY 1 LOOP
		UPDATE counters SET n = n - r.n WHERE name = TG_TABLE_NAME AND slot = r.slot;
	END LOOP;
	FOR r IN SELECT client_id, authspec_slot(hash) AS slot, count(*) AS n FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2 LOOP
		IF TG_TABLE_NAME = 'codes' THEN
			UPDATE client_codes SET n = n - r.n WHERE client_id = r.client_id AND slot = r.slot;
		ELSE
			UPDATE client_tokens SET n = n - r.n WHERE client_id = r.client_id AND slot = r.slot;
		END IF;
	END LOOP;
	RETURN NULL;
END $$;

CREATE TRIGGER clients_counted AFTER INSERT ON clients FOR EACH ROW EXECUTE FUNCTION authspec_counted();
CREATE TRIGGER codes_counted AFTER INSERT ON codes FOR EACH ROW EXECUTE FUNCTION authspec_counted();
CREATE TRIGGER tokens_counted AFTER INSERT ON tokens FOR EACH ROW EXECUTE FUNCTION authspec_counted();
CREATE TRIGGER clients_uncounted AFTER DELETE ON clients REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION authspec_uncounted();
CREATE TRIGGER codes_uncounted AFTER DELETE ON codes REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION authspec_uncounted();
CREATE TRIGGER tokens_uncounted AFTER DELETE ON tokens REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION authspec_uncounted();
`

// schemaV2 adds the DPoP key thumbprints of codes (RFC 9449 §10 dpop_jkt)
// and tokens (§6.1 cnf.jkt).
const schemaV2 = `
ALTER TABLE codes ADD COLUMN dpop_jkt text NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN jkt text NOT NULL DEFAULT '';
`
