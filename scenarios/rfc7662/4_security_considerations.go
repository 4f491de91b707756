package rfc7662

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// securityChecks returns the checks of RFC 7662 §4, Security
// Considerations.
func securityChecks() []*suite.Check {
	return []*suite.Check{
		callersAuthorized, signatureValidated, expiredInactive,
		{
			ID: "rfc7662-4-tls12-supported", Spec: suite.RFC7662, Section: "4", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureIntrospection}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "The https introspection endpoint completes a TLS handshake limited to TLS 1.2",
			Quote: "Since the introspection endpoint takes in OAuth 2.0 tokens as parameters and responds with information used to make authorization decisions, the server MUST support Transport Layer Security (TLS) 1.2 [RFC5246] and MAY support additional transport-layer mechanisms meeting its security requirements.",
			Run: func(ctx context.Context, t *suite.T) error {
				return probe.JudgeTLS12(ctx, t, "introspection_endpoint", t.Target.Metadata.IntrospectionEndpoint,
					"enable TLS 1.2 beside TLS 1.3 on the introspection endpoint (its server or TLS-terminating proxy): resource servers that cannot speak TLS 1.3 cannot introspect")
			},
		},
	}
}

var callersAuthorized = &suite.Check{
	ID: "rfc7662-4-callers-authorized", Spec: suite.RFC7662, Section: "4", Level: suite.Should,
	Requires: append([]vocab.Feature{vocab.FeatureDCR}, req...), Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client just registered, which nobody authorized to introspect, learns nothing of another client's token",
	Quote: "To prevent this, the authorization server ... SHOULD require protected resources to be specifically authorized to call the introspection endpoint.",
	Run:   runCallersAuthorized,
}

// runCallersAuthorized introspects the confidential client's fresh token as
// that client (the baseline: active), then as a client registered a moment
// ago: authenticated, but authorized for nothing.
func runCallersAuthorized(ctx context.Context, t *suite.T) error {
	in, _, err := activeFresh(ctx, t, "introspect a fresh access token as the client it was issued to",
		"the access token is not introspected as active even by its own client, so what another caller learns says nothing")
	if err != nil {
		return err
	}
	other, err := t.OtherClient(ctx, in.client)
	if err != nil {
		return err
	}
	res, err := introspect(ctx, t, other, in.token, nil, "introspect the token as a client registered a moment ago")
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		t.Logf("the newly registered client was refused (%s)", expect.Outcome(res))
		return nil
	}
	active, _, m, err := activeOf(res)
	if err != nil || !active {
		t.Logf("the newly registered client was told only that the token is inactive")
		return nil
	}
	return expect.Fail(res, `a refusal, or {"active": false}`, "active: true, members: "+expect.Keys(m),
		"any client that registers itself can introspect other clients' tokens: a token scanner needs only a registration").
		WithFix("admit to the introspection endpoint only the protected resources (and clients) authorized for it, or answer others active=false for tokens not issued to them").
		WithEvidence(in.res.Exchange)
}

// jwsHeader reports whether token has the form of a JWS in compact
// serialization (RFC 7515 §7.1) that is signed: three parts, the first a
// JSON header naming an alg other than "none".
func jwsHeader(token string) (alg string, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[2] == "" {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(raw, &h) != nil || h.Alg == "" || h.Alg == "none" {
		return "", false
	}
	return h.Alg, true
}

// alterSignature changes the first character of a JWS's signature (the
// last may carry bits that decoding ignores).
func alterSignature(token string) string {
	i := strings.LastIndexByte(token, '.') + 1
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

var signatureValidated = &suite.Check{
	ID: "rfc7662-4-signature-validated", Spec: suite.RFC7662, Section: "4", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An access token that is a JWS, with its signature altered, is introspected as inactive",
	Quote: "If the token has been signed, the authorization server MUST validate the signature.",
	Run:   runSignatureValidated,
}

// runSignatureValidated introspects a fresh access token as its client (the
// baseline: active), then the same token with its signature altered. An
// access token that is not a signed JWS has no signature the suite can
// alter; the requirement is then not judged (logged).
func runSignatureValidated(ctx context.Context, t *suite.T) error {
	in, _, err := activeFresh(ctx, t, "introspect a fresh access token as the client it was issued to",
		"the access token is not introspected as active even unaltered, so an altered one says nothing")
	if err != nil {
		return err
	}
	alg, ok := jwsHeader(in.token)
	if !ok {
		t.Logf("the access token is not a signed JWS in compact form: no signature of its own for the suite to alter")
		return nil
	}
	altered := alterSignature(in.token)
	t.Secret(altered) // all but one character of the real token
	res, err := introspect(ctx, t, in.client, altered, nil, "introspect the same token with its signature altered")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(res)
	if err != nil {
		return err
	}
	if active {
		return expect.Fail(res, `{"active": false}: the signature does not verify`, `"active": true`,
			"an access token signed with %s is introspected as active with an altered signature: the signature is not validated", alg).
			WithFix("verify the signature of a signed token (with the key of its issuer) before reporting it active").
			WithEvidence(in.res.Exchange)
	}
	return nil
}

var expiredInactive = &suite.Check{
	ID: "rfc7662-4-expired-inactive", Spec: suite.RFC7662, Section: "4", Level: suite.Must,
	Requires: req, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An access token is introspected as inactive once its expires_in has passed",
	Quote: "If the token can expire, the authorization server MUST determine whether or not the token has expired.",
	Run:   runExpiredInactive,
}

// runExpiredInactive introspects a fresh access token (the control: active),
// waits for the expires_in of its token response to pass, and introspects
// it again. The wait is as long as the token's lifetime: the check SKIPs
// when the run does not let it wait that long (--check-timeout,
// --max-wait).
func runExpiredInactive(ctx context.Context, t *suite.T) error {
	c, ts, err := freshTokens(ctx, t)
	if err != nil {
		return err
	}
	secs, ok := ts.Raw["expires_in"].(float64)
	if !ok || secs <= 0 {
		return suite.SkipErr("the token response has no expires_in in seconds: when the token expires is not known")
	}
	res, err := introspect(ctx, t, c, ts.AccessToken, nil, "introspect a fresh access token (the control)")
	if err != nil {
		return err
	}
	// The control: an answer other than "active": true says nothing of
	// expiry (the rfc7662-2.* checks judge the introspection response).
	if res.Status != http.StatusOK {
		return suite.SkipErr("the introspection of a fresh access token answered %s, not HTTP 200: an answer after its expiry would say nothing (the rfc7662-2.* checks judge introspection)", expect.Outcome(res))
	}
	if active, isBool, _, err := activeOf(res); err != nil || !isBool || !active {
		return suite.SkipErr("a fresh access token is not introspected as \"active\": true (rfc7662-2.2-active-token judges that), so an inactive answer after expiry says nothing")
	}
	lifetime := time.Duration(secs) * time.Second
	if err := t.WaitFor(ctx, lifetime+5*time.Second, fmt.Sprintf("the access token's expires_in (%s) to pass", lifetime)); err != nil {
		return err
	}
	after, err := introspect(ctx, t, c, ts.AccessToken, nil, "introspect the access token after its expires_in")
	if err != nil {
		return err
	}
	active, _, err := okIntrospection(after)
	if err != nil || !active {
		return err
	}
	// Servers commonly allow a clock leeway past exp (JOSE libraries: up
	// to a minute): still active then proves nothing yet.
	if err := t.WaitFor(ctx, expiryLeeway, fmt.Sprintf("a clock leeway of %s past the expiry to pass too", expiryLeeway)); err != nil {
		return err
	}
	late, err := introspect(ctx, t, c, ts.AccessToken, nil, "introspect the access token past its expires_in and a clock leeway")
	if err != nil {
		return err
	}
	if active, _, err = okIntrospection(late); err != nil {
		return err
	}
	waited := lifetime + 5*time.Second + expiryLeeway
	if !active {
		t.Logf("the token was still active 5s past its expires_in, and inactive %s past it: a clock leeway", (5*time.Second + expiryLeeway).Round(time.Second))
		return nil
	}
	return expect.Fail(late, `"active": false: the token has expired`, `"active": true`,
		"the access token is introspected as active %s after it was issued, past its expires_in of %s and a clock leeway of %s", waited.Round(time.Second), lifetime, expiryLeeway).
		WithEvidence(res.Exchange, after.Exchange).
		WithFix("check the expiry of the token (its record's expiry, a JWT's exp) on every introspection and answer {\"active\": false} once it has passed")
}

// expiryLeeway is the clock leeway past a token's expiry that a server may
// allow before it counts the token expired.
const expiryLeeway = 60 * time.Second
