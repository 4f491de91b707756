package rfc6749

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// clientPasswordChecks returns the checks of RFC 6749 §2.3.1, Client
// Password.
func clientPasswordChecks() []*suite.Check {
	return []*suite.Check{credentialsNotInURI, basicAccepted, basicURLDecoded, basicRawPlusRefused}
}

var credentialsNotInURI = &suite.Check{
	ID: "rfc6749-2.3.1-credentials-not-in-uri", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Client credentials in the token endpoint's URI query do not authenticate the client",
	Quote: "The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI.",
	Keywordless: "The MUST NOT binds the client that sends the credentials; no sentence obliges the server to refuse them in the URI. " +
		"A server that authenticates clients from the query invites secrets into logs and Referer headers, so accepting them is reported as an observation (WARN).",
	Run: runCredentialsNotInURI,
}

func runCredentialsNotInURI(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	c := src.Client
	u, err := tokenURL(t, url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}})
	if err != nil {
		return err
	}
	form, err := src.Form(ctx)
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodPost, u, formType, form.Encode(), "",
		"client_id and client_secret in the URI query only ("+src.Describe()+")")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return expect.Fail(res, "error=invalid_client (or invalid_request)", "the client authenticated",
			"the client was authenticated by a secret in the request URI, where logs and proxies record it").
			WithFix("read client credentials only from the Authorization header or the form body, never from the query").AsObservation()
	}
	_, err = src.Confirm(ctx)
	return err
}

var basicAccepted = &suite.Check{
	ID: "rfc6749-2.3.1-basic-auth-accepted", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The token endpoint accepts client credentials in HTTP Basic",
	Quote: "The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.",
	Run:   runBasicAccepted,
}

func runBasicAccepted(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	res, err := src.Send(ctx, withBasic(src.Client), nil, "the client authenticates with HTTP Basic")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return nil
	}
	return basicRefused(ctx, src, res, "the token endpoint did not accept the client's credentials in HTTP Basic",
		"accept client_secret_basic at the token endpoint (RFC 6749 §2.3.1 makes it mandatory for every client with a password)")
}

// basicRefused judges a request with HTTP Basic that was not accepted: a
// FAIL when the same request is accepted with the client's own method, or,
// when that method is Basic itself, when the server refused the
// authentication (error=invalid_client or 401); SKIP otherwise.
func basicRefused(ctx context.Context, src *tokenreq.Source, res *httpx.Result, why, fix string) error {
	if desc := errorDescription(res); strings.Contains(strings.ToLower(desc), "client_id") && !src.Accepted(res) {
		why += ": it looks for client_id in the body (" + desc + ")"
	}
	f := expect.Fail(res, "the request accepted, as with the client's credentials sent otherwise", outcomeOf(res), "%s", why).WithFix(fix)
	if src.Client.AuthMethod == "client_secret_basic" {
		if src.Kind == tokenreq.ClientCredentials || tokenreq.Refused(res) {
			if src.Baseline != nil {
				f = f.WithEvidence(src.Baseline.Exchange)
			}
			return f
		}
		return suite.SkipErr("the request with HTTP Basic was answered %s, not as a failed client authentication; the RFC 6749 §4.1.3 checks judge the code exchange", outcomeOf(res))
	}
	base, err := src.Confirm(ctx)
	if err != nil {
		return err
	}
	return f.WithEvidence(base.Exchange)
}

// percentEncodeAll encodes every octet, which a form-url-decoding server
// turns back into the same value.
func percentEncodeAll(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte('%')
		b.WriteByte(hex[s[i]>>4])
		b.WriteByte(hex[s[i]&15])
	}
	return b.String()
}

var basicURLDecoded = &suite.Check{
	ID: "rfc6749-2.3.1-basic-form-urldecoded", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "HTTP Basic client_id and client_secret are form-url-decoded",
	Quote: "The client identifier is encoded using the \"application/x-www-form-urlencoded\" encoding algorithm per Appendix B, and the encoded value is used as the username; the client password is encoded using the same algorithm and used as the password. The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.",
	Keywordless: "The encoding sentence defines what HTTP Basic means for OAuth clients; the server's MUST to support HTTP Basic (the next sentence) therefore " +
		"includes form-url-decoding the user name and password.",
	Run: runBasicURLDecoded,
}

func runBasicURLDecoded(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	c := src.Client
	form, err := src.Form(ctx)
	if err != nil {
		return err
	}
	res, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.TokenEndpoint, formType, form.Encode(),
		basic(percentEncodeAll(c.ID), percentEncodeAll(c.Secret)),
		"HTTP Basic with every octet of client_id and client_secret percent-encoded ("+src.Describe()+")")
	if err != nil {
		return err
	}
	if src.Accepted(res) {
		return nil
	}
	// Only a server that accepts plain Basic can be blamed for not decoding.
	if form, err = src.Form(ctx); err != nil {
		return err
	}
	plain, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.TokenEndpoint, formType, form.Encode(),
		basic(c.ID, c.Secret), "control: the same request with HTTP Basic credentials as they are, unencoded ("+src.Describe()+")")
	if err != nil {
		return err
	}
	if !src.Accepted(plain) {
		return suite.SkipErr("HTTP Basic is not accepted even without percent-encoding (see rfc6749-2.3.1-basic-auth-accepted)")
	}
	return expect.Fail(res, "the request accepted, as with the credentials unencoded", outcomeOf(res),
		"%s", "the server does not form-url-decode the Basic user name and password: secrets containing +, /, :, % or spaces fail").
		WithEvidence(plain.Exchange).
		WithFix("form-url-decode the Basic user name and password before comparing them (RFC 6749 §2.3.1, Appendix B)")
}

var basicRawPlusRefused = &suite.Check{
	ID: "rfc6749-2.3.1-basic-raw-plus-refused", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A client secret holding '+' sent in HTTP Basic with the '+' unencoded does not authenticate (an observation)",
	Quote: "... the client password is encoded using the same algorithm and used as the password. The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.",
	Keywordless: "The encoding sentence defines what HTTP Basic means for OAuth clients; the server's MUST to support HTTP Basic therefore includes form-url-decoding the password, " +
		"where a raw '+' is a space (Appendix B): a password whose '+' was not encoded is another password, and authenticating it accepts a wrong secret.",
	Run: runBasicRawPlusRefused,
}

// runBasicRawPlusRefused sends the client's secret in HTTP Basic
// form-url-encoded but for its '+', left raw: form-url-decoding makes it a
// space, so the password is wrong, and a server that authenticates it
// decodes with percent-decoding only (or not at all). It needs a secret
// holding '+'.
func runBasicRawPlusRefused(ctx context.Context, t *suite.T) error {
	src, err := tokenreq.Find(ctx, t, tokenreq.Options{MadeUpCode: true})
	if err != nil {
		return err
	}
	c := src.Client
	if !strings.Contains(c.Secret, "+") {
		return suite.SkipErr("the secret of client %s holds no '+', the character that form-url-decoding changes; "+
			"configure clients.confidential (or clients.client_credentials) with a secret that holds '+' to run the check", c.ID)
	}
	form, err := src.Form(ctx)
	if err != nil {
		return err
	}
	password := strings.ReplaceAll(url.QueryEscape(c.Secret), "%2B", "+")
	res, err := sendRaw(ctx, t, http.MethodPost, t.Target.Metadata.TokenEndpoint, formType, form.Encode(),
		basic(url.QueryEscape(c.ID), password),
		"HTTP Basic with the client secret form-url-encoded but for its '+', left raw: it decodes to a space ("+src.Describe()+")")
	if err != nil {
		return err
	}
	if !src.Accepted(res) {
		_, err := src.Confirm(ctx)
		return err // refused, and the secret properly encoded is accepted
	}
	// An observation: a server that form-url-decodes and, failing that,
	// tries the raw value (for clients that do not encode) supports Basic
	// as §2.3.1 asks and accepts no secret but the client's; one that
	// percent-decodes only cannot be told from it without a secret that
	// holds a space.
	return expect.Fail(res, "error=invalid_client: a raw '+' decodes to a space, so the password is wrong", outcomeOf(res),
		"%s", "the server authenticated the client with its secret's '+' unencoded: it does not form-url-decode the Basic password (or falls back to the raw value), so a secret with a space, sent encoded as '+', would fail").
		WithFix("form-url-decode the Basic user name and password (a raw '+' is a space, RFC 6749 Appendix B) before comparing them, e.g. with url.QueryUnescape rather than url.PathUnescape").
		AsObservation()
}
