package rfc7592

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// endpointChecks returns the checks of RFC 7592 §2, Client Configuration
// Endpoint.
func endpointChecks() []*suite.Check {
	return []*suite.Check{missingTokenChallenge}
}

var missingTokenChallenge = &suite.Check{
	ID: "rfc7592-2-missing-token-challenge", Spec: suite.RFC7592, Section: "2", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "A client configuration request without a token is refused with a Bearer challenge (401, or 400 or 403)",
	Quote: "The client MUST use its registration access token in all calls to this endpoint as an OAuth 2.0 Bearer Token [RFC6750]. — If the protected resource request does not include authentication credentials ... the resource server MUST include the HTTP \"WWW-Authenticate\" response header field (RFC 6750 §3)",
	Run:   runMissingTokenChallenge,
}

func runMissingTokenChallenge(ctx context.Context, t *suite.T) error {
	_, res, err := readNew(ctx, t, func(*regclient.Managed) string { return "" }, "read the client configuration without a token")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 || leaks(res) {
		return expect.Fail(res, "HTTP 401 with a Bearer challenge", fmt.Sprintf("HTTP %d", res.Status),
			"the client configuration endpoint answered a request without a registration access token").
			WithFix("require the registration access token on every request to the client configuration endpoint")
	}
	// The MUST is the challenge; the status RFC 6750 §3.1 leaves among
	// 400, 401 and 403, as refusedToken does.
	if err := expect.Status(res, http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, "answer requests without a token with 401 and WWW-Authenticate: Bearer")
	}
	if _, ok := probe.Bearer(res.Header.Values("WWW-Authenticate")); !ok {
		return expect.Fail(res, `WWW-Authenticate: Bearer realm="..."`, expect.HeaderLine(res, "WWW-Authenticate"), "the refusal carries no Bearer challenge").
			WithFix(`send WWW-Authenticate: Bearer realm="..." with the 401 (RFC 6750 §3)`)
	}
	return nil
}
