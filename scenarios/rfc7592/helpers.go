package rfc7592

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

var (
	mgmt     = []vocab.Feature{vocab.FeatureDCR, vocab.FeatureDCRManagement}
	profiles = []vocab.Profile{vocab.ProfileDCR}
)

// read sends an RFC 7592 §2.1 read request with token.
func read(ctx context.Context, t *suite.T, m *regclient.Managed, token, note string) (*httpx.Result, error) {
	return regclient.Call(ctx, t, http.MethodGet, m.URI, token, nil, note)
}

// readNew registers a fresh managed client and reads its configuration
// with the token that token picks (its own m.Token, another, or "" for
// none).
func readNew(ctx context.Context, t *suite.T, token func(m *regclient.Managed) string, note string) (*regclient.Managed, *httpx.Result, error) {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return nil, nil, err
	}
	res, err := read(ctx, t, m, token(m), note)
	return m, res, err
}

// ownToken is the client's own registration access token.
func ownToken(m *regclient.Managed) string { return m.Token }

// readNewOK registers a fresh managed client and reads its configuration
// with readOK.
func readNewOK(ctx context.Context, t *suite.T) (*regclient.Managed, *httpx.Result, map[string]any, error) {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	res, info, err := readOK(ctx, t, m, "read the client configuration (RFC 7592 §2.1)")
	return m, res, info, err
}

// readOK reads the client's configuration and SKIPs when the read itself
// fails (rfc7592-2.1-read-200 reports that).
func readOK(ctx context.Context, t *suite.T, m *regclient.Managed, note string) (*httpx.Result, map[string]any, error) {
	res, err := read(ctx, t, m, m.Token, note)
	if err != nil {
		return nil, nil, err
	}
	if res.Status != http.StatusOK {
		return res, nil, suite.SkipErr("reading the client configuration answered HTTP %d (see rfc7592-2.1-read-200)", res.Status)
	}
	var info map[string]any
	if json.Unmarshal(res.Body, &info) != nil || info == nil {
		return res, nil, suite.SkipErr("the client read response is not a JSON object (see rfc7592-2.1-read-200)")
	}
	m.Follow(t, info)
	return res, info, nil
}

// leaks reports whether a refusal's body shows the registration (its
// redirect URIs or client secret).
func leaks(res *httpx.Result) bool {
	var body map[string]any
	if json.Unmarshal(res.Body, &body) != nil {
		return false
	}
	_, hasURIs := body["redirect_uris"]
	_, hasSecret := body["client_secret"]
	return hasURIs || hasSecret
}

// registerDeleted registers a fresh managed client and deletes it: the
// client of a request for a client that does not exist. A delete the
// target does not perform is SKIP (rfc7592-2.3-delete-204 judges it).
func registerDeleted(ctx context.Context, t *suite.T) (*regclient.Managed, *httpx.Result, error) {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return nil, nil, err
	}
	del, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return nil, nil, err
	}
	if del.Status < 200 || del.Status >= 300 {
		return nil, nil, suite.SkipErr("deleting the client answered HTTP %d; cannot make a client that no longer exists (see rfc7592-2.3-delete-204)", del.Status)
	}
	return m, del, nil
}

// unknownClient401 judges the answer res to a request for the client that
// del deleted: 401, never what would tell an attacker which client_ids
// exist (never, e.g. "never 404, which tells an attacker ...").
func unknownClient401(res, del *httpx.Result, never string) error {
	if err := expect.Status(res, http.StatusUnauthorized); err != nil {
		return expect.Evidence(expect.WithFix(err, "answer requests for a client that does not exist with 401 ("+never+")"), del.Exchange)
	}
	return nil
}
