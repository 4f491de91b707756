package rfc6749

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenTypeChecks returns the checks of RFC 6749 §8.1, Defining
// Access Token Types.
func accessTokenTypeChecks() []*suite.Check {
	return []*suite.Check{tokenTypeRegistered}
}

// registeredTokenTypes are the names of the IANA OAuth Access Token Types
// registry: Bearer (RFC 6750), N_A (RFC 8693), PoP (RFC 9201), DPoP (RFC
// 9449). token_type is compared without case (RFC 6749 §5.1).
var registeredTokenTypes = []string{"bearer", "n_a", "pop", "dpop"}

var tokenTypeRegistered = &suite.Check{
	ID: "rfc6749-8.1-token-type-registered", Spec: suite.RFC6749, Section: "8.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "token_type is a registered access token type or an absolute URI",
	Quote: "Access token types can be defined in one of two ways: registered in the Access Token Types registry (following the procedures in Section 11.1), or by using a unique absolute URI as its name. ... All other types MUST be registered.",
	Run:   runTokenTypeRegistered,
}

func runTokenTypeRegistered(ctx context.Context, t *suite.T) error {
	res, _, err := tokenreq.Tokens(ctx, t)
	if err != nil {
		return err
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	tt, _ := m["token_type"].(string)
	if tt == "" {
		return suite.SkipErr("the token response has no token_type (see rfc6749-5.1-token-type)")
	}
	if slices.Contains(registeredTokenTypes, strings.ToLower(tt)) {
		return nil
	}
	if u, err := url.Parse(tt); err == nil && u.IsAbs() {
		return nil
	}
	return expect.Fail(res, "a registered type (Bearer, N_A, PoP, DPoP) or an absolute URI", fmt.Sprintf("token_type %q", tt),
		"token_type %q is neither a type of the OAuth Access Token Types registry nor an absolute URI: clients must not use a token whose type they do not understand (RFC 6749 §7.1)", tt).
		WithFix(`send "token_type": "Bearer" for bearer tokens (RFC 6750), or the registered name of the type the token really is`)
}
