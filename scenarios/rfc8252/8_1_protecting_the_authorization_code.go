package rfc8252

import (
	"context"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// protectingCodeChecks returns the checks of RFC 8252 §8.1, Protecting the
// Authorization Code.
func protectingCodeChecks() []*suite.Check {
	return []*suite.Check{pkceRequiredNative}
}

var pkceRequiredNative = &suite.Check{
	ID: "rfc8252-8.1-pkce-required-native", Spec: suite.RFC8252, Section: "8.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title: "A native app's authorization request without PKCE is refused",
	Quote: "Authorization servers SHOULD reject authorization requests from native apps that don't use PKCE by returning an error message, as defined in Section 4.4.1 of PKCE [RFC7636].",
	Run:   runPKCERequiredNative,
}

// runPKCERequiredNative sends a native app's authorization request without
// code_challenge and warns when the target issues a code. A request that
// ends anywhere else counts as refused only when the same request with
// S256 gets a code (a login page without the browser is not a refusal).
// RFC 9700 §2.1.1 ("Public clients MUST use PKCE") binds the client, and
// RFC 7636 §4.4.1 leaves requiring PKCE to the server: only OAuth 2.1
// makes the refusal a MUST (oauth21-4.1.2.1-pkce-required-public, under
// its claim).
func runPKCERequiredNative(ctx context.Context, t *suite.T) error {
	c, err := nativeClient(ctx, t)
	if err != nil {
		return err
	}
	return probe.CodeRefused(ctx, t, c, func(r *fixture.AuthRequest) { r.PKCE = nil }, "without PKCE",
		"a native app got a code without PKCE: a code intercepted on the device (another app registered for the redirect URI) is redeemable by anyone",
		"require code_challenge (S256) from native apps, and from every public client")
}
