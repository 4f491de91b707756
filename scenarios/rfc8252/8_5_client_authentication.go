package rfc8252

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// clientAuthenticationChecks returns the checks of RFC 8252 §8.5, Client
// Authentication.
func clientAuthenticationChecks() []*suite.Check {
	return []*suite.Check{nativeNoSecretRequired}
}

var nativeNoSecretRequired = &suite.Check{
	ID: "rfc8252-8.5-native-no-secret-required", Spec: suite.RFC8252, Section: "8.5", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A server that takes public clients registers a native app as one, and redeems its code without a secret",
	Quote: "For this reason, and those stated in Section 5.3.1 of [RFC6819], it is NOT RECOMMENDED for authorization servers to require client authentication of public native apps clients using a shared secret, " +
		"as this serves little value beyond client identification which is already provided by the \"client_id\" request parameter.",
	Run: runNativeNoSecretRequired,
}

// runNativeNoSecretRequired registers a native app (application_type
// native) without client authentication. It is judged only where the
// metadata lists token_endpoint_auth_method none: RFC 6749 lets a server
// take no public clients at all, and only one that takes them can be said
// to require a secret of native apps in particular.
func runNativeNoSecretRequired(ctx context.Context, t *suite.T) error {
	if !slices.Contains(t.Target.Metadata.AuthMethods(), "none") {
		return suite.SkipErr("the metadata does not list token_endpoint_auth_method none: the server may take no public clients at all (RFC 6749 §2.1), which is no requirement of a secret of native apps in particular")
	}
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, "none", map[string]any{"application_type": "native", "client_name": "authspec native app"}))
	if err != nil {
		return err
	}
	fix := "register native apps as public clients (token_endpoint_auth_method none) and rely on PKCE, not on a shared secret every copy of the app carries"
	if !r.OK() || r.Client.ID == "" {
		ctl, err := regclient.Register(ctx, t, regclient.Metadata(t, "none", nil))
		if err != nil {
			return err
		}
		if !ctl.OK() {
			return suite.SkipErr("a public client is refused too when it does not say it is a native app (HTTP %d%s): the refusal is not about native apps", ctl.Res.Status, expect.BodyHint(ctl.Res))
		}
		// Refused as a native app, or for want of a secret? The same
		// native app with a secret method tells.
		withSecret, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.SecretMethod(t), map[string]any{"application_type": "native", "client_name": "authspec native app"}))
		if err != nil {
			return err
		}
		if !withSecret.OK() {
			return suite.SkipErr("the native app is refused with a client secret too (HTTP %d%s): the server does not register it (a redirect URI policy for native apps, say), whatever its authentication",
				withSecret.Res.Status, expect.BodyHint(withSecret.Res))
		}
		return expect.Fail(r.Res, "HTTP 201: the native app registered as a public client", fmt.Sprintf("HTTP %d%s", r.Res.Status, expect.BodyHint(r.Res)),
			"the server takes public clients, but refuses a native app without client authentication").
			WithFix(fix).
			WithEvidence(ctl.Res.Exchange, withSecret.Res.Exchange)
	}
	if r.Client.AuthMethod != "none" {
		return expect.Fail(r.Res, "token_endpoint_auth_method none", fmt.Sprintf("token_endpoint_auth_method %s", r.Client.AuthMethod),
			"the server registered the native app to authenticate with a shared secret, though it asked for none").
			WithFix(fix)
	}
	if r.Client.Secret != "" {
		t.Logf("the server issued a client_secret to the native app registered with token_endpoint_auth_method none; the redemption below tells whether it requires it")
	}
	_, res, err := t.RedeemNew(ctx, r.Client, nil)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK && regclient.IsInvalidClient(res) {
		return expect.Fail(res, "HTTP 200: the code redeemed with client_id and code_verifier", regclient.Outcome(res),
			"the token endpoint asks the native app for client authentication it was registered without").
			WithFix(fix).
			WithEvidence(r.Res.Exchange)
	}
	return nil
}
