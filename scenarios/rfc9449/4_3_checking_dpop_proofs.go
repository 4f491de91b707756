package rfc9449

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
	"github.com/authspec/authspec/suite/expect"
)

// The lead-in of the §4.3 list, which each item completes.
const ensure = "To validate a DPoP proof, the receiving server MUST ensure the following: ... "

func checkingChecks() []*suite.Check {
	return append(formChecks(), claimChecks()...)
}

// formChecks are the checks of the form of a proof: one header, a JWT,
// its claims (§4.3 items 1 to 3), and the normalization of htu.
func formChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9449-4.3-two-headers-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a request with two DPoP header fields",
			Quote: ensure + "There is not more than one DPoP HTTP request header field.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "sent twice, in two DPoP header fields (each a valid proof of the same key)",
					"refuse a request that carries more than one DPoP header field",
					func(_ *holder, p *dpop.Proof) { p.Twice = true })
			},
		},
		{
			ID: "rfc9449-4.3-not-a-jwt-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atToken, Profiles: profiles,
			Title: "The token endpoint refuses a DPoP proof that is not a JWT (a JWS in the JSON Serialization)",
			Quote: ensure + "The DPoP HTTP request header field value is a single and well-formed JWT.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtToken(ctx, t, "in the JWS JSON Serialization, which is not a JWT (RFC 7519 §1: a JWT is in the Compact Serialization)",
					"parse the DPoP header as a JWS in the Compact Serialization only",
					func(_ *holder, p *dpop.Proof) { p.JSON = true })
			},
		},
		missingClaim,
		{
			ID: "rfc9449-4.3-ath-missing-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
			Requires: atResource, Profiles: profiles,
			Title: "The resource refuses a DPoP proof without ath, presented with an access token",
			Quote: ensure + "All required claims per Section 4.2 are contained in the JWT.",
			Run: func(ctx context.Context, t *suite.T) error {
				return refusedAtResource(ctx, t, "without the ath claim", "require ath, the hash of the access token, in every proof presented with one (RFC 9449 §4.2)",
					func(p *dpop.Proof) { p.Omit = []string{"ath"} })
			},
		},
		htuNormalized,
	}
}

// claimChecks are the checks of the claims and the signature of a proof.
func claimChecks() []*suite.Check {
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

var missingClaim = &suite.Check{
	ID: "rfc9449-4.3-missing-claim-refused", Spec: suite.RFC9449, Section: "4.3", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "The token endpoint refuses a DPoP proof lacking jti, htm, htu or iat",
	Quote: ensure + "All required claims per Section 4.2 are contained in the JWT.",
	Run:   runMissingClaim,
}

func runMissingClaim(ctx context.Context, t *suite.T) error {
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	for _, claim := range []string{"jti", "htm", "htu", "iat"} {
		res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{Omit: []string{claim}}, "redeem another authorization code with a DPoP proof without "+claim)
		if err != nil {
			return err
		}
		if err := neitherTokenNorRefusal(res); err != nil {
			return err
		}
		if !refused(res) {
			return expect.Fail(res, "a refusal (HTTP 400 invalid_dpop_proof)", fmt.Sprintf("HTTP %d", res.Status),
				"the token endpoint accepted a DPoP proof without the %s claim", claim).
				WithFix("refuse a proof that lacks any of jti, htm, htu and iat (RFC 9449 §4.2) before checking the claims it has")
		}
	}
	return nil
}

var htuNormalized = &suite.Check{
	ID: "rfc9449-4.3-htu-normalized", Spec: suite.RFC9449, Section: "4.3", Level: suite.Should,
	Requires: atToken, Profiles: profiles,
	Title: "The token endpoint accepts a DPoP proof whose htu differs from its URI only by RFC 3986 normalization",
	Quote: "To reduce the likelihood of false negatives, servers SHOULD employ syntax-based normalization (Section 6.2.2 of [RFC3986]) and scheme-based normalization (Section 6.2.3 of [RFC3986]) before comparing the htu claim.",
	Run:   runHTUNormalized,
}

// runHTUNormalized redeems codes with proofs whose htu is the token
// endpoint's URI written otherwise, each equivalent under RFC 3986 §6.2.2
// or §6.2.3: after the exact URI is accepted (the control), a refusal of
// one of them is a WARN.
func runHTUNormalized(ctx context.Context, t *suite.T) error {
	forms := htuForms(t.Target.Metadata.TokenEndpoint)
	if len(forms) == 0 {
		return suite.SkipErr("the token endpoint URI %q has no other form under RFC 3986 normalization that the check writes", t.Target.Metadata.TokenEndpoint)
	}
	h, _, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	for _, f := range forms {
		res, err := h.redeem(ctx, t, nil, nil, dpop.Proof{HTU: f.htu}, fmt.Sprintf("redeem another authorization code with a DPoP proof whose htu is %s", f.htu))
		if err != nil {
			return err
		}
		if refused(res) {
			return expect.Fail(res, "HTTP 200: the htu is the token endpoint's URI after normalization", fmt.Sprintf("HTTP %d", res.Status),
				"the token endpoint refused a DPoP proof whose htu %q differs from its URI only by %s", f.htu, f.how).
				WithFix("normalize htu and the request's URI (RFC 3986 §6.2.2 and §6.2.3: case of scheme and host, percent-encoded unreserved characters, default port) before comparing them")
		}
	}
	return nil
}

// htuForm is a URI written otherwise, and how.
type htuForm struct{ htu, how string }

// htuForms writes the URI raw otherwise, in the ways RFC 3986 §6.2.2 and
// §6.2.3 make equivalent: scheme and host in upper case, an unreserved
// character of the path percent-encoded, the default port written out.
func htuForms(raw string) []htuForm {
	u, err := url.Parse(dpop.HTU(raw))
	if err != nil || u.Host == "" {
		return nil
	}
	rest := strings.TrimPrefix(u.String(), u.Scheme+"://"+u.Host)
	var out []htuForm
	if up := strings.ToUpper(u.Scheme) + "://" + strings.ToUpper(u.Host) + rest; up != u.String() {
		out = append(out, htuForm{up, "the case of its scheme and host (RFC 3986 §6.2.2.1)"})
	}
	if i := strings.IndexFunc(rest, unreservedLetter); i >= 0 {
		enc := u.Scheme + "://" + u.Host + rest[:i] + fmt.Sprintf("%%%02X", rest[i]) + rest[i+1:]
		out = append(out, htuForm{enc, fmt.Sprintf("the percent-encoding of the unreserved %q (RFC 3986 §6.2.2.2)", rest[i])})
	}
	if u.Port() == "" && (u.Scheme == "http" || u.Scheme == "https") {
		port := map[string]string{"http": "80", "https": "443"}[u.Scheme]
		out = append(out, htuForm{u.Scheme + "://" + u.Host + ":" + port + rest, "the default port written out (RFC 3986 §6.2.3)"})
	}
	return out
}

// unreservedLetter reports whether r is an ASCII letter, unreserved in
// RFC 3986 §2.3.
func unreservedLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
