package rfc7592

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// readChecks returns the checks of RFC 7592 §2.1, Client Read Request.
func readChecks() []*suite.Check {
	return []*suite.Check{read200, invalidTokenRefused, otherClientTokenRefused, unknownClient401Check}
}

var read200 = &suite.Check{
	ID: "rfc7592-2.1-read-200", Spec: suite.RFC7592, Section: "2.1", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "Reading a client with its registration access token answers 200, JSON, with the same client_id",
	Quote: "Upon successful read of the information for a currently active client, the authorization server responds with an HTTP 200 OK with content type of \"application/json\" and a payload as described in Section 3. ... The value of the \"client_id\" MUST NOT change from the initial registration response.",
	Run:   runRead200,
}

func runRead200(ctx context.Context, t *suite.T) error {
	m, res, err := readNew(ctx, t, ownToken, "read the client configuration (RFC 7592 §2.1)")
	if err != nil {
		return err
	}
	if res.Status == http.StatusForbidden {
		return suite.SkipErr("the client may not read its record (HTTP 403, which RFC 7592 §2.1 prescribes for that case)")
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.Evidence(expect.WithFix(err, "answer GET on registration_client_uri with the registration access token with 200 and the client information"), m.Res.Exchange)
	}
	info, err := expect.JSONObject(res, true)
	if err != nil {
		return expect.WithFix(err, "serve the client information as application/json")
	}
	if id, _ := info["client_id"].(string); id != m.Client.ID {
		return expect.Fail(res, "the client_id of the registration", "client_id: "+expect.Describe(info["client_id"]),
			"the read response names another client_id").
			WithEvidence(m.Res.Exchange)
	}
	return nil
}

var invalidTokenRefused = &suite.Check{
	ID: "rfc7592-2.1-invalid-token-refused", Spec: suite.RFC7592, Section: "2.1", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "A client configuration request with an invalid token is refused with an RFC 6750 error and leaks nothing",
	Quote: "If the registration access token used to make this request is not valid, the server MUST respond with an error as described in the OAuth 2.0 Bearer Token Usage [RFC6750].",
	Run:   runInvalidTokenRefused,
}

func runInvalidTokenRefused(ctx context.Context, t *suite.T) error {
	_, res, err := readNew(ctx, t, func(*regclient.Managed) string { return "authspec-invalid-registration-token" },
		"read the client configuration with an invalid token")
	if err != nil {
		return err
	}
	return refusedToken(res, "with an invalid registration access token")
}

var otherClientTokenRefused = &suite.Check{
	ID: "rfc7592-2.1-other-client-token-refused", Spec: suite.RFC7592, Section: "2.1", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "Another client's registration access token gives no access to this client's configuration",
	Quote: "If the registration access token used to make this request is not valid, the server MUST respond with an error as described in the OAuth 2.0 Bearer Token Usage [RFC6750]. ... If the client does not have permission to read its record, the server MUST return an HTTP 403 Forbidden.",
	Run:   runOtherClientTokenRefused,
}

func runOtherClientTokenRefused(ctx context.Context, t *suite.T) error {
	victim, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	attacker, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	res, err := read(ctx, t, victim, attacker.Token, "read one client's configuration with another client's registration access token")
	if err != nil {
		return err
	}
	if victim.URI == attacker.URI && res.Status >= 200 && res.Status < 300 {
		// RFC 7592 §2 lets the server return the registration endpoint's
		// URL as every client's configuration URL and tell clients apart
		// by the registration access token. At one URL for every client,
		// the token chooses the record: only the victim's is a breach.
		var rec struct {
			ClientID string `json:"client_id"`
		}
		if json.Unmarshal(res.Body, &rec) == nil && rec.ClientID != victim.Client.ID {
			return suite.SkipErr("the server gives every client the same configuration URL (%s) and chose the record by the token: the other client's token read %s, not the first client's record (RFC 7592 §2 allows one URL for all)", victim.URI, describeClientID(rec.ClientID))
		}
	}
	return expect.Evidence(refusedToken(res, "with another client's registration access token"),
		victim.Res.Exchange, attacker.Res.Exchange)
}

var unknownClient401Check = &suite.Check{
	ID: "rfc7592-2.1-unknown-client-401", Spec: suite.RFC7592, Section: "2.1", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "Reading a client that no longer exists answers 401",
	Quote: "If the client does not exist on this server, the server MUST respond with HTTP 401 Unauthorized and the registration access token used to make this request SHOULD be immediately revoked.",
	Run:   runUnknownClient401,
}

func runUnknownClient401(ctx context.Context, t *suite.T) error {
	m, del, err := registerDeleted(ctx, t)
	if err != nil {
		return err
	}
	res, err := read(ctx, t, m, m.Token, "read the deleted client's configuration")
	if err != nil {
		return err
	}
	return unknownClient401(res, del, "never 404, which tells an attacker which client_ids exist")
}

// refusedToken judges the answer to a client configuration request whose
// bearer token must not grant access: an RFC 6750 §3.1 error (401 for an
// invalid token is a SHOULD there; 400 and 403 are the other statuses it
// names) with a Bearer challenge, and nothing of the registration in the body.
func refusedToken(res *httpx.Result, what string) error {
	if res.Status >= 200 && res.Status < 300 {
		return expect.Fail(res, "HTTP 401 with a Bearer challenge", fmt.Sprintf("HTTP %d", res.Status),
			"the client configuration endpoint granted access to a request %s", what).
			WithFix("serve the client configuration endpoint only to the registration access token issued for that very client")
	}
	if leaks(res) {
		return expect.Fail(res, "an error without the client's registration", "a body containing the client's registration",
			"the refusal leaks the client's registration data")
	}
	if err := expect.Status(res, http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, "answer an invalid registration access token with 401 and WWW-Authenticate: Bearer error=\"invalid_token\" (RFC 6750 §3.1)")
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, `WWW-Authenticate: Bearer error="invalid_token"`, expect.HeaderLine(res, "WWW-Authenticate"),
			"the refusal carries no Bearer challenge").
			WithFix(`send WWW-Authenticate: Bearer realm="...", error="invalid_token" with the 401 (RFC 6750 §3)`)
	}
	return nil
}

// describeClientID names a client_id for a message, or says there was none.
func describeClientID(id string) string {
	if id == "" {
		return "a body without client_id"
	}
	return "client_id " + id
}
