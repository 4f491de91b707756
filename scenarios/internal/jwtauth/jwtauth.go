// Package jwtauth holds what the checks of JWT client authentication
// (private_key_jwt: RFC 7523 §2.2, RFC 9126 §2, OAuth 2.1 §2.4) share: a
// token request authenticated with a client assertion, and the audience
// values to try.
package jwtauth

import (
	"context"
	"net/url"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Audience is an aud value of a client assertion and what it is.
type Audience struct {
	Name  string
	Value string
}

// Audiences are the values RFC 9126 §2 lists, the issuer identifier first:
// the issuer, the token endpoint URL, and the PAR endpoint URL when the
// target has one.
func Audiences(t *suite.T) []Audience {
	md := t.Target.Metadata
	out := []Audience{{"the issuer identifier", md.Issuer}, {"the token endpoint URL", md.TokenEndpoint}}
	if md.PushedAuthorizationRequestEndpoint != "" {
		out = append(out, Audience{"the PAR endpoint URL", md.PushedAuthorizationRequestEndpoint})
	}
	return out
}

// Token sends a token request of c authenticated as auth (a copy of c
// with another assertion; c itself when nil): the redemption of a new code
// that c obtained, or, where the run gets no codes by itself, the
// client_credentials grant when c may use it.
func Token(ctx context.Context, t *suite.T, c, auth *fixture.Client, note string) (*httpx.Result, error) {
	if auth == nil {
		auth = c
	}
	if codes, _ := t.Target.Has(vocab.FeatureNonInteractive); !codes && slices.Contains(c.GrantTypes, "client_credentials") {
		return t.Token(ctx, auth, url.Values{"grant_type": {"client_credentials"}}, note)
	}
	g, err := t.CodeFor(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	return g.RedeemAs(ctx, auth, nil)
}
