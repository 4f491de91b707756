package rfc9449

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
)

// The lead-in of the §4.3 list, which each item completes.
const ensure = "To validate a DPoP proof, the receiving server MUST ensure the following: ... "

func checkingChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9449-4.3-htm-mismatch-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof made for another HTTP method",
			Quote: ensure + "The htm claim matches the HTTP method of the current request.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "whose htm is GET", "compare the htm claim with the request's method",
					func(_ *holder, p *dpop.Proof) { p.Method = http.MethodGet })
			},
		},
		{
			ID: "rfc9449-4.3-htu-mismatch-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof made for another URI",
			Quote: ensure + "The htu claim matches the HTTP URI value for the HTTP request in which the JWT was received, ignoring any query and fragment parts.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "whose htu is another URI of the server", "compare the htu claim with the token endpoint's URI",
					func(_ *holder, p *dpop.Proof) { p.URL = otherURI(t.Target.Metadata.TokenEndpoint) })
			},
		},
		{
			ID: "rfc9449-4.3-typ-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof whose typ is not dpop+jwt",
			Quote: ensure + "The typ JOSE Header Parameter has the value dpop+jwt.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "whose typ is JWT", "refuse proofs whose typ header is not dpop+jwt",
					func(_ *holder, p *dpop.Proof) { p.Typ = "JWT" })
			},
		},
		{
			ID: "rfc9449-4.3-bad-signature-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof whose signature does not verify",
			Quote: ensure + "The JWT signature verifies with the public key contained in the jwk JOSE Header Parameter.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "whose signature does not verify", "verify the proof's signature with the key in its jwk header",
					func(_ *holder, p *dpop.Proof) { p.BadSignature = true })
			},
		},
		{
			ID: "rfc9449-4.3-private-jwk-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof whose jwk holds a private key",
			Quote: ensure + "The jwk JOSE Header Parameter does not contain a private key.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "whose jwk holds the private key", "refuse a jwk header with private key members (d, p, q, ...)",
					func(_ *holder, p *dpop.Proof) { p.PrivateJWK = true })
			},
		},
		{
			ID: "rfc9449-4.3-ath-mismatch-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atResource, Profiles: profiles,
			Title: "The resource refuses a DPoP proof whose ath is not the hash of the access token",
			Quote: ensure + "If presented to a protected resource in conjunction with an access token, ensure that the value of the ath claim equals the hash of that access token",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtResource(ctx, t, "whose ath is the hash of another token", "compare the ath claim with the base64url SHA-256 of the access token",
					func(p *dpop.Proof) { p.ATH = dpop.ATH("another access token") })
			},
		},
	}
}

// otherURI is another path of the server of u: u with "-other" appended
// to its path.
func otherURI(u string) string { return dpop.HTU(u) + "-other" }
