package rfc8414

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// validationChecks returns the checks of RFC 8414 §3.3, Authorization
// Server Metadata Validation.
func validationChecks() []*suite.Check {
	return []*suite.Check{issuerIdentical, openIDConfigurationConsistent}
}

var issuerIdentical = &suite.Check{
	ID: "rfc8414-3.3-issuer-identical", Spec: suite.RFC8414, Section: "3.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The issuer in the metadata is identical to the issuer the metadata was fetched for",
	Quote: "The \"issuer\" value returned MUST be identical to the authorization server's issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.",
	Run:   runIssuerIdentical,
}

func runIssuerIdentical(ctx context.Context, t *suite.T) error {
	res := t.Target.MetadataResult
	if got := t.Target.Metadata.Issuer; got != t.Target.Issuer {
		if sameWellKnown(got, t.Target.Issuer) {
			// https://as.example and https://as.example/ give the same
			// metadata URL (RFC 8414 §3.1 removes a terminating slash):
			// the server cannot answer both, which one is the issuer is
			// the configuration's to say.
			return suite.SkipErr("the metadata names the issuer %q, which differs from the issuer given (%q) only by a final slash: both have the same metadata URL, so the server cannot tell them apart; "+
				"run with --target %s (the issuer as the server spells it), and configure clients with it", got, t.Target.Issuer, got)
		}
		return expect.Fail(res, "issuer: "+t.Target.Issuer, "issuer: "+quoted(got),
			"clients must reject this metadata: the issuer differs (even a trailing slash counts)").
			WithFix("serve the issuer exactly as clients are configured with it, or point authspec at the issuer the metadata names")
	}
	return nil
}

// sameWellKnown reports whether issuers a and b differ only by a final
// slash after the host and give the same RFC 8414 metadata URL.
func sameWellKnown(a, b string) bool {
	if strings.TrimSuffix(a, "/") != strings.TrimSuffix(b, "/") {
		return false
	}
	wa, errA := target.WellKnownURL(a, "oauth-authorization-server")
	wb, errB := target.WellKnownURL(b, "oauth-authorization-server")
	return errA == nil && errB == nil && wa == wb
}

// otherMetadataURLs are the URLs of the metadata document the target was
// not discovered at: RFC 8414 §3 lets a server publish its metadata at
// several well-known URIs derived from its issuer; OpenID Connect Discovery
// 1.0 §4 appends its suffix to the issuer instead of inserting it.
func otherMetadataURLs(t *suite.T) []string {
	issuer := t.Target.Issuer
	if t.Target.MetadataSource == "openid-configuration" {
		wk, err := target.WellKnownURL(issuer, "oauth-authorization-server")
		if err != nil {
			return nil
		}
		return []string{wk}
	}
	var out []string
	if wk, err := target.WellKnownURL(issuer, "openid-configuration"); err == nil {
		out = append(out, wk)
	}
	if appended := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"; len(out) == 0 || appended != out[0] {
		out = append(out, appended)
	}
	return out
}

// fetchOtherMetadata gets u: the document as a JSON object, or nil when u
// serves none.
func fetchOtherMetadata(ctx context.Context, t *suite.T, u string) (map[string]any, *httpx.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("metadata request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := t.HTTP.Do(ctx, req, "the metadata at the other well-known URI")
	if err != nil {
		return nil, nil, err
	}
	if res.Status != http.StatusOK {
		return nil, res, nil
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return nil, res, nil
	}
	return m, res, nil
}

// sameEndpointMembers are the members that locate the server's endpoints
// and keys: two documents of one issuer naming different values leave
// clients to guess.
var sameEndpointMembers = []string{"authorization_endpoint", "token_endpoint", "registration_endpoint",
	"revocation_endpoint", "introspection_endpoint", "jwks_uri"}

var openIDConfigurationConsistent = &suite.Check{
	ID: "rfc8414-3.3-openid-configuration-consistent", Spec: suite.RFC8414, Section: "3.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A metadata document also served at the other well-known URI (openid-configuration, oauth-authorization-server) names the same issuer (other differences are an observation)",
	Quote: "The \"issuer\" value returned MUST be identical to the authorization server's issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.",
	Run:   runOpenIDConfigurationConsistent,
}

func runOpenIDConfigurationConsistent(ctx context.Context, t *suite.T) error {
	served := 0
	for _, u := range otherMetadataURLs(t) {
		m, res, err := fetchOtherMetadata(ctx, t, u)
		if err != nil {
			return err
		}
		if m == nil {
			t.Logf("%s serves no metadata (HTTP %d)", u, res.Status)
			continue
		}
		served++
		got, _ := m["issuer"].(string)
		// The primary document's issuer when it differs from the one
		// given only by a final slash (rfc8414-3.3-issuer-identical
		// SKIPs that: both share the metadata URL).
		slashOnly := got == t.Target.Metadata.Issuer && sameWellKnown(got, t.Target.Issuer)
		if got != t.Target.Issuer && !slashOnly {
			return expect.Fail(res, "issuer: "+t.Target.Issuer, "issuer: "+expect.Describe(m["issuer"]),
				"the document at %s, derived from the issuer, names another issuer: clients that discover the server there must reject it", u).
				WithEvidence(t.Target.MetadataResult.Exchange).
				WithFix("serve the same issuer in every metadata document derived from it")
		}
		for _, k := range sameEndpointMembers {
			a, inA := t.Target.Metadata.Raw[k].(string)
			b, inB := m[k].(string)
			if inA && inB && a != b {
				return expect.Fail(res, k+": "+expect.Describe(a), k+": "+expect.Describe(b),
					"the two metadata documents of the issuer name different %s: clients behave differently depending on the document they read", k).
					WithEvidence(t.Target.MetadataResult.Exchange).
					WithFix("derive both documents from one configuration").AsObservation()
			}
		}
	}
	if served == 0 {
		t.Logf("the server publishes its metadata only at %s: there is no second document to compare", t.Target.MetadataURL)
	}
	return nil
}
