package rfc6749

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// inputValidationChecks returns the checks of RFC 6749 §10.14, Code
// Injection and Input Validation.
func inputValidationChecks() []*suite.Check {
	return []*suite.Check{markupNotReflected}
}

var markupNotReflected = &suite.Check{
	ID: "rfc6749-10.14-markup-not-reflected", Spec: suite.RFC6749, Section: "10.14", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The page refusing an unregistered redirect_uri does not reflect markup from redirect_uri or state unescaped",
	Quote: "The authorization server and client MUST sanitize (and validate when possible) any value received -- in particular, the value of the \"state\" and \"redirect_uri\" parameters.",
	Run:   runMarkupNotReflected,
}

// runMarkupNotReflected sends an authorization request whose redirect_uri
// (unregistered, so that the server answers with a page) and state hold an
// HTML element, and fails when a page of the server holds that element as
// markup: an escaped one is text. Redirects within the server's origin (to
// its error or login page) are followed, three at most.
func runMarkupNotReflected(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	marker := strings.ToLower("authspec-probe-" + fixture.RandomState())
	element := `"><` + marker + `>`
	u, err := url.Parse(t.Target.Metadata.AuthorizationEndpoint)
	if err != nil || !u.IsAbs() {
		return suite.SkipErr("the authorization endpoint %q is not an absolute URL (see rfc6749-3.1-endpoint-url)", t.Target.Metadata.AuthorizationEndpoint)
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.ID)
	q.Set("redirect_uri", "https://authspec.invalid/cb?x="+element)
	q.Set("state", element)
	u.RawQuery = q.Encode()
	for hop := 0; hop < 4; hop++ {
		res, err := getPage(ctx, t, u, hop)
		if err != nil {
			return err
		}
		if bytes.Contains(bytes.ToLower(res.Body), []byte("<"+marker)) && isHTML(res) {
			return expect.Fail(res, "the values escaped, or not shown", fmt.Sprintf("the element <%s> in the page's markup", marker),
				"the server's page repeats redirect_uri or state as received: anyone can make it show markup, and scripts, of their choosing").
				WithFix("escape every request value a page repeats (an HTML template does), or leave it out")
		}
		next, err := res.URL.Parse(res.Header.Get("Location"))
		if res.Status < 300 || res.Status > 399 || err != nil || next.Host != u.Host {
			return nil
		}
		u = next
	}
	return nil
}

// getPage fetches a page of the authorization flow.
func getPage(ctx context.Context, t *suite.T, u *url.URL, hop int) (*httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build authorization request: %w", err)
	}
	req.Header.Set("Accept", "text/html")
	note := "authorization request with an unregistered redirect_uri and a state holding an HTML element"
	if hop > 0 {
		note = "follow the server's redirect within its origin"
	}
	return t.HTTP.Do(ctx, req, note)
}

// isHTML reports whether res is served as an HTML document (or without a
// type, which a browser may sniff as one).
func isHTML(res *httpx.Result) bool {
	ct := res.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "text/html" || mt == "application/xhtml+xml"
}
