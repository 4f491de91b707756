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
// specification, Security Best Practices: Confused Deputy.
func confusedDeputyChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "mcp-security-consent-per-client", Spec: suite.MCP, Section: "Security Best Practices: Confused Deputy", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureBrowser, vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: both,
			Title: "A newly registered client is not approved on the strength of the user's approval of another client",
			Quote: "MCP proxy servers using static client IDs MUST obtain user consent for each dynamically registered client before forwarding to third-party authorization servers (which may require additional consent).",
			Run:   runConsentPerClient,
		},
	}
}

func runConsentPerClient(ctx context.Context, t *suite.T) error {
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
	if res == nil || !res.Interactive {
		return suite.SkipErr("the target approved the first client without a page: no person consented to anything, so nothing can be carried over")
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
	return nil
}
