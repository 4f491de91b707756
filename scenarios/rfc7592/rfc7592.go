// Package rfc7592 holds the checks of RFC 7592, OAuth 2.0 Dynamic Client
// Registration Management, one file per section. Every check registers its
// own client, and is SKIP when the registration response offers no client
// configuration endpoint (registration_client_uri and
// registration_access_token): RFC 7592 is optional to RFC 7591 servers.
package rfc7592

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// Checks returns the RFC 7592 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, readChecks()...)
	out = append(out, updateChecks()...)
	out = append(out, deleteChecks()...)
	out = append(out, responseChecks()...)
	return regclient.Redacted(out)
}

var (
	mgmt     = []suite.Feature{suite.FeatureDCR, suite.FeatureDCRManagement}
	profiles = []string{"dcr"}
)

// read sends an RFC 7592 §2.1 read request with token.
func read(ctx context.Context, t *suite.T, m *regclient.Managed, token, note string) (*httpx.Result, error) {
	return regclient.Call(ctx, t, http.MethodGet, m.URI, token, nil, note)
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
	return res, info, nil
}

// refusedToken judges the answer to a client configuration request whose
// bearer token must not grant access: an RFC 6750 §3.1 error (401 for an
// invalid token is a SHOULD there; 400 and 403 are the other statuses it
// names) with a Bearer challenge, and nothing of the registration in the body.
func refusedToken(res *httpx.Result, what string) error {
	if res.Status >= 200 && res.Status < 300 {
		return expect.WithFix(expect.Fail(res, "HTTP 401 with a Bearer challenge", fmt.Sprintf("HTTP %d", res.Status),
			"the client configuration endpoint granted access to a request %s", what),
			"serve the client configuration endpoint only to the registration access token issued for that very client")
	}
	if leaks(res) {
		return expect.Fail(res, "an error without the client's registration", "a body containing the client's registration",
			"the refusal leaks the client's registration data")
	}
	if err := expect.Status(res, http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, "answer an invalid registration access token with 401 and WWW-Authenticate: Bearer error=\"invalid_token\" (RFC 6750 §3.1)")
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.WithFix(expect.Fail(res, `WWW-Authenticate: Bearer error="invalid_token"`, headerOrNone(res),
			"the refusal carries no Bearer challenge"), `send WWW-Authenticate: Bearer realm="...", error="invalid_token" with the 401 (RFC 6750 §3)`)
	}
	return nil
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

func headerOrNone(res *httpx.Result) string {
	v := strings.Join(res.Header.Values("WWW-Authenticate"), ", ")
	if v == "" {
		return "no WWW-Authenticate header"
	}
	return "WWW-Authenticate: " + v
}
