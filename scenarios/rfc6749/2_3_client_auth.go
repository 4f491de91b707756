package rfc6749

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

func clientAuthChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-2.3.1-basic-auth-accepted", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureSecretBasic, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "The token endpoint accepts client credentials in HTTP Basic",
			Quote:    "The authorization server MUST support the HTTP Basic authentication scheme for authenticating clients that were issued a client password.",
			Run:      runBasicAccepted,
		},
		{
			ID: "rfc6749-2.3.1-basic-form-urldecoded", Spec: suite.RFC6749, Section: "2.3.1", Level: suite.Must,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureSecretBasic, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "HTTP Basic client_id and client_secret are form-url-decoded",
			Quote:    "The client identifier is encoded using the \"application/x-www-form-urlencoded\" encoding algorithm per Appendix B, and the encoded value is used as the username; the client password is encoded using the same algorithm and used as the password.",
			Run:      runBasicURLDecoded,
		},
		{
			ID: "rfc6749-2.3-single-auth-method", Spec: suite.RFC6749, Section: "2.3", Level: suite.MustNot,
			Requires: []suite.Feature{suite.FeatureConfidential, suite.FeatureSecretBasic, suite.FeatureClientCredentials},
			Profiles: []string{"core"},
			Title:    "A request using more than one client authentication method is refused",
			Quote:    "The client MUST NOT use more than one authentication method in each request.",
			Run:      runSingleAuthMethod,
		},
	}
}

// clientCredentials is a minimal token request that every confidential
// client registered for client_credentials can make.
func clientCredentials() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

func basicClient(ctx context.Context, t *suite.T) (*fixture.Client, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return nil, err
	}
	cp := *c
	cp.AuthMethod = "client_secret_basic"
	return &cp, nil
}

func runBasicAccepted(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	res, err := t.Fixtures.Token(ctx, t.HTTP, c, clientCredentials(), "client_credentials with HTTP Basic")
	if err != nil {
		return err
	}
	if res.Status == http.StatusBadRequest || res.Status == http.StatusUnauthorized {
		m, _ := expect.JSONObject(res, false)
		desc, _ := m["error_description"].(string)
		if strings.Contains(strings.ToLower(desc), "client_id") {
			return expect.WithFix(expect.Fail(res, "HTTP 200 with tokens", "HTTP "+http.StatusText(res.Status)+": "+desc,
				"the server ignores the Authorization header and looks for client_id in the body"),
				"read client credentials from the HTTP Basic Authorization header; client_secret_basic is the RFC 7591 default method")
		}
	}
	return expect.WithFix(expect.Status(res, http.StatusOK),
		"accept client_secret_basic at the token endpoint (RFC 6749 §2.3.1 makes it mandatory)")
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

func runBasicURLDecoded(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Target.Metadata.TokenEndpoint,
		strings.NewReader(clientCredentials().Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString(
		[]byte(percentEncodeAll(c.ID)+":"+percentEncodeAll(c.Secret))))
	res, err := t.HTTP.Do(ctx, req, "HTTP Basic with every octet of client_id and client_secret percent-encoded")
	if err != nil {
		return err
	}
	return expect.WithFix(expect.Status(res, http.StatusOK),
		"form-url-decode the Basic user name and password before comparing them (RFC 6749 §2.3.1, Appendix B); secrets containing +, /, :, % or spaces otherwise fail")
}

func runSingleAuthMethod(ctx context.Context, t *suite.T) error {
	c, err := basicClient(ctx, t)
	if err != nil {
		return err
	}
	form := clientCredentials()
	form.Set("client_secret", c.Secret)
	res, err := t.Fixtures.Token(ctx, t.HTTP, c, form, "HTTP Basic and client_secret in the body together")
	if err != nil {
		return err
	}
	_, err = expect.OAuthError(res, []int{http.StatusBadRequest, http.StatusUnauthorized}, "invalid_request", "invalid_client")
	return expect.WithFix(err, "refuse requests that carry client credentials both in the Authorization header and in the body")
}
