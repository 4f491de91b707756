package mcp

import (
	"context"
	"fmt"
	"net/url"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// confusedDeputyChecks returns the checks of the MCP authorization
// specification, Confused Deputy Problem (2025-06-18 §3.6, 2025-11-25
// Security Considerations).
func confusedDeputyChecks() []*suite.Check {
	return []*suite.Check{consentPerClient}
}

var consentPerClient = &suite.Check{
	ID: "mcp-security-consent-per-client", Spec: suite.MCP, Section: "Confused Deputy Problem", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: both,
	Title: "A newly registered client is not approved on the strength of the user's approval of another client",
	Quote: "MCP proxy servers using static client IDs MUST obtain user consent for each dynamically registered client before forwarding to third-party authorization servers (which may require additional consent).",
	Run:   runConsentPerClient,
}

func runConsentPerClient(ctx context.Context, t *suite.T) error {
	if !t.Target.Config.MCPProxy {
		return suite.SkipErr("the sentence binds MCP proxy servers that use a static client ID at a third-party authorization server; " +
			"set mcp_proxy: true in the config if the target is one")
	}
	// The person approves one client...
	first, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec first client"}))
	if err != nil {
		return err
	}
	// prompt=consent shows the consent page even where the person's
	// approvals of earlier clients in this run would be carried over.
	far := t.NewAuthRequest(first.Client)
	far.Extra = url.Values{"prompt": {"consent"}}
	_, res, err := t.Code(ctx, far)
	if err != nil {
		return fmt.Errorf("first client's authorization: %w", err)
	}
	if !showedConsent(res) {
		return suite.SkipErr("the target showed no consent page for the first client (a login page is not consent): nothing can be carried over")
	}
	// ...then a new client asks: the person must be asked again.
	second, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), map[string]any{"client_name": "authspec second client"}))
	if err != nil {
		return err
	}
	ar := t.NewAuthRequest(second.Client)
	ar.Flow = fixture.FlowInspect
	az, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if az.Consent != nil {
		return nil
	}
	if az.Callback != nil && az.Callback.Query().Get("code") != "" {
		return expect.Fail(az.Last, "the consent page for the new client", "a code at once",
			"a client registered a moment ago got a code without the person being asked: any dynamically registered client can ride on an earlier approval (confused deputy)").
			WithFix("remember approvals per user and client; ask again for every client the person has not approved").
			WithEvidence(second.Res.Exchange)
	}
	return suite.SkipErr("the new client's authorization ended on neither a consent page nor a code (%s): whether the person would be asked cannot be seen", az.Ending())
}

// showedConsent reports whether the authorization went through a consent
// page (the browser recipe's consent stage).
func showedConsent(res *fixture.AuthzResult) bool {
	if res == nil {
		return false
	}
	for _, p := range res.Pages {
		if p.Stage == "consent" {
			return true
		}
	}
	return res.Consent != nil
}
