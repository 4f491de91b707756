package rfc7591

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// endpointChecks returns the checks of RFC 7591 §3, Client Registration
// Endpoint.
func endpointChecks() []*suite.Check {
	return []*suite.Check{
		openRegistration,
		{
			ID: "rfc7591-3-endpoint-https", Spec: suite.RFC7591, Section: "3", Level: suite.Must,
			Requires: dcr, Profiles: profiles,
			Title: "The registration endpoint the metadata publishes is an https URL",
			Quote: "The client registration endpoint MUST be protected by a transport-layer security mechanism, as described in Section 5.",
			Run: func(_ context.Context, t *suite.T) error {
				return metadoc.JudgeHTTPSEndpoint(t, "registration_endpoint",
					"clients send their metadata, and receive their client secret and registration access token, in the clear",
					"serve the registration endpoint over TLS and publish its https URL (behind a TLS-terminating proxy, build it from the external scheme)")
			},
		},
	}
}

var openRegistration = &suite.Check{
	ID: "rfc7591-3-open-registration", Spec: suite.RFC7591, Section: "3", Level: suite.Should,
	Requires: dcr, Profiles: profiles,
	Title: "The registration endpoint accepts registrations without an initial access token",
	Quote: "To support open registration and facilitate wider interoperability, the client registration endpoint SHOULD allow registration requests with no authorization (which is to say, with no initial access token in the request).",
	Run:   runOpenRegistration,
}

func runOpenRegistration(ctx context.Context, t *suite.T) error {
	body, err := json.Marshal(regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	if err != nil {
		return fmt.Errorf("encode registration request: %w", err)
	}
	res, err := regclient.PostAnonymous(ctx, t, body, "register a client without an initial access token")
	if err != nil {
		return err
	}
	if res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden {
		return expect.Fail(res, "HTTP 201: open registration", fmt.Sprintf("HTTP %d", res.Status),
			"the registration endpoint requires an initial access token; clients that discover it (e.g. MCP clients) cannot register").
			WithFix("allow registration without an initial access token (rate-limit it instead), or document how clients obtain one")
	}
	if res.Status >= 200 && res.Status < 300 {
		var m map[string]any
		if json.Unmarshal(res.Body, &m) != nil || m == nil {
			return suite.SkipErr("the anonymous registration answered HTTP %d without a JSON registration response; rfc7591-3.2.1-* judge the response", res.Status)
		}
		if id, _ := m["client_id"].(string); id == "" {
			return suite.SkipErr("the anonymous registration answered HTTP %d without a client_id; rfc7591-3.2.1-client-id-present judges it", res.Status)
		}
		return nil
	}
	return suite.SkipErr("the anonymous registration answered HTTP %d, which says nothing about authorization (the other RFC 7591 checks judge it)", res.Status)
}
