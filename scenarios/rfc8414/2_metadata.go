package rfc8414

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// metadataChecks returns the checks of RFC 8414 §2, Authorization Server
// Metadata.
func metadataChecks() []*suite.Check {
	return append(append(memberChecks(), advertisedChecks()...), keyChecks()...)
}

// keyChecks are the checks of the members about keys and signatures: the
// JWK Set URL and the JWS algorithms of JWT client authentication.
func keyChecks() []*suite.Check {
	return []*suite.Check{
		issuerHTTPSURL, jwksURIHTTPS, signingAlgNoneAbsent, signingAlgsWithJWTAuth,
		jwksUseWhenMixed,
	}
}

// signingAlgMembers pairs each endpoint's authentication methods member
// with its signing algorithms member (RFC 8414 §2).
var signingAlgMembers = [][2]string{
	{"token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported"},
	{"revocation_endpoint_auth_methods_supported", "revocation_endpoint_auth_signing_alg_values_supported"},
	{"introspection_endpoint_auth_methods_supported", "introspection_endpoint_auth_signing_alg_values_supported"},
}

var issuerHTTPSURL = &suite.Check{
	ID: "rfc8414-2-issuer-https-url", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "The issuer is an https URL without query or fragment",
	Quote:       "issuer REQUIRED. The authorization server's issuer identifier, which is a URL that uses the \"https\" scheme and has no query or fragment components.",
	Keywordless: "REQUIRED makes the member mandatory, and the sentence defines the form of its value: an issuer in another form is not an issuer identifier clients may accept (RFC 8414 §3.3, RFC 9207 §2)",
	Run:         runIssuerHTTPSURL,
}

func runIssuerHTTPSURL(_ context.Context, t *suite.T) error {
	iss := t.Target.Metadata.Issuer
	u, err := url.Parse(iss)
	fail := func(want, why string) error {
		return expect.Fail(t.Target.MetadataResult, want, "issuer: "+quoted(iss), "%s", why).
			WithFix("use an https issuer identifier without query or fragment, and serve it unchanged in the metadata")
	}
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fail("an absolute https URL", "the issuer is not an absolute URL")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(iss, "#"):
		return fail("an https URL without query or fragment", "the issuer has a query or fragment component")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the issuer %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", iss)
		return nil
	}
	return fail("an https URL", "the issuer does not use the https scheme")
}

var jwksURIHTTPS = &suite.Check{
	ID: "rfc8414-2-jwks-uri-https", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The jwks_uri, when present, is an https URL",
	Quote: "jwks_uri OPTIONAL. URL of the authorization server's JWK Set [JWK] document. ... This URL MUST use the \"https\" scheme.",
	Run:   runJWKSURIHTTPS,
}

func runJWKSURIHTTPS(_ context.Context, t *suite.T) error {
	v, present := t.Target.Metadata.Raw["jwks_uri"]
	if !present {
		t.Logf("the metadata has no jwks_uri")
		return nil
	}
	s, _ := v.(string)
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the jwks_uri %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", s)
		return nil
	}
	return expect.Fail(t.Target.MetadataResult, "an https URL", "jwks_uri: "+expect.Describe(v),
		"clients fetch the keys that validate the server's signatures from this URL: over http, anyone on the path can substitute them").
		WithFix("serve the JWK Set over https and publish its https URL")
}

var signingAlgNoneAbsent = &suite.Check{
	ID: "rfc8414-2-signing-alg-none-absent", Spec: suite.RFC8414, Section: "2", Level: suite.MustNot,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The *_endpoint_auth_signing_alg_values_supported lists do not contain \"none\"",
	Quote: "token_endpoint_auth_signing_alg_values_supported OPTIONAL. JSON array containing a list of the JWS signing algorithms (\"alg\" values) supported by the token endpoint ... The value \"none\" MUST NOT be used.",
	Run:   runSigningAlgNoneAbsent,
}

func runSigningAlgNoneAbsent(_ context.Context, t *suite.T) error {
	raw := t.Target.Metadata.Raw
	for _, pair := range signingAlgMembers {
		algs, _, err := expect.StringList(raw, pair[1])
		if err != nil {
			continue // rfc8414-3.2-multi-valued-as-arrays reports the form
		}
		if slices.Contains(algs, "none") {
			return expect.Fail(t.Target.MetadataResult, "a list without \"none\"", pair[1]+": "+quoted(stringList(algs)),
				"an unsigned JWT would authenticate a client: anyone could make one").
				WithFix("remove \"none\" from " + pair[1] + " and refuse unsigned client assertions")
		}
	}
	return nil
}

var signingAlgsWithJWTAuth = &suite.Check{
	ID: "rfc8414-2-signing-algs-with-jwt-auth", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An endpoint that lists private_key_jwt or client_secret_jwt has its signing algorithm list",
	Quote: "... for the \"private_key_jwt\" and \"client_secret_jwt\" authentication methods. This metadata entry MUST be present if either of these authentication methods are specified in the \"token_endpoint_auth_methods_supported\" entry.",
	Run:   runSigningAlgsWithJWTAuth,
}

func runSigningAlgsWithJWTAuth(_ context.Context, t *suite.T) error {
	raw := t.Target.Metadata.Raw
	for _, pair := range signingAlgMembers {
		methods, _, err := expect.StringList(raw, pair[0])
		if err != nil || !(slices.Contains(methods, "private_key_jwt") || slices.Contains(methods, "client_secret_jwt")) {
			continue
		}
		if algs, _, _ := expect.StringList(raw, pair[1]); len(algs) > 0 {
			continue
		}
		got := "absent"
		if v, ok := raw[pair[1]]; ok {
			got = expect.Describe(v)
		}
		return expect.Fail(t.Target.MetadataResult, pair[1]+" with the accepted JWS algorithms", pair[1]+": "+got,
			"%s lists JWT client authentication, but no algorithm is named: no default is implied, so clients cannot know how to sign", pair[0]).
			WithFix("publish " + pair[1] + ` (e.g. ["RS256"]), or remove the JWT methods from ` + pair[0])
	}
	return nil
}

// memberChecks are the checks of the members the metadata must carry.
func memberChecks() []*suite.Check {
	return []*suite.Check{
		requiredMembers, codeChallengeMethodsS256, authorizationEndpointRequired,
		tokenEndpointRequired,
	}
}

// keywordlessAdvertised is why a member, defined without a keyword, binds
// the server to what it advertises at MUST level.
const keywordlessAdvertised = "RFC 8414 §2 defines each member as a statement about this server (the grant types, methods, endpoints it supports); an advertised value the server does not honour makes the document untrue, and clients act on it"

// advertisedChecks are the checks that what the metadata advertises works.
func advertisedChecks() []*suite.Check {
	return []*suite.Check{
		registrationEndpointRegisters, grantTypesNotRefused, responseTypesNotRefused,
		tokenAuthMethodsAuthenticate, introspectionEndpointIntrospects,
		scopesSupportedAccepted, codeChallengeMethodsHonoured,
		introspectionAuthMethodsAuthenticate, revocationAuthMethodsAuthenticate,
	}
}

var requiredMembers = &suite.Check{
	ID: "rfc8414-2-required-members", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata has the required members issuer and response_types_supported",
	Quote: "issuer REQUIRED. The authorization server's issuer identifier, which is a URL that uses the \"https\" scheme and has no query or fragment components. ... " +
		"response_types_supported REQUIRED. JSON array containing a list of the OAuth 2.0 \"response_type\" values that this authorization server supports.",
	Run: runRequiredMembers,
}

func runRequiredMembers(ctx context.Context, t *suite.T) error {
	res := t.Target.MetadataResult
	raw := t.Target.Metadata.Raw
	for _, m := range []string{"issuer", "response_types_supported"} {
		if _, ok := raw[m]; !ok {
			return expect.Fail(res, "a "+m+" member", "absent; members: "+expect.Keys(raw), "the metadata lacks the required %q", m)
		}
	}
	if _, present, err := expect.StringList(raw, "response_types_supported"); err != nil || !present {
		return expect.Fail(res, "response_types_supported as an array of strings", quoted(errString(err)), "malformed response_types_supported")
	}
	return nil
}

var registrationEndpointRegisters = &suite.Check{
	ID: "rfc8414-2-registration-endpoint-registers", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileDCR},
	Title:       "The advertised registration_endpoint registers clients",
	Quote:       "registration_endpoint OPTIONAL. URL of the authorization server's OAuth 2.0 Dynamic Client Registration endpoint [RFC7591].",
	Keywordless: keywordlessAdvertised,
	Run:         runRegistrationEndpointRegisters,
}

func runRegistrationEndpointRegisters(ctx context.Context, t *suite.T) error {
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	if err != nil {
		return err
	}
	res := r.Res
	switch {
	case r.OK() && r.Client.ID != "":
		return nil
	case r.OK():
		return expect.Fail(res, "a client_id", "none", "the registration response has no client_id")
	case res.Status == http.StatusBadRequest && expect.ErrorCode(res) != "":
		// An RFC 7591 §3.2.2 error: a registration endpoint that does not
		// register this client (its policy is its own).
		t.Logf("the registration endpoint refused the suite's client with error=%s: an RFC 7591 registration endpoint all the same", expect.ErrorCode(res))
		return nil
	}
	return expect.Fail(res, "HTTP 201 with a client_id, or an RFC 7591 error", fmt.Sprintf("HTTP %d%s", res.Status, expect.BodyHint(res)),
		"the registration_endpoint of the metadata does not answer as an RFC 7591 registration endpoint").
		WithFix("advertise the URL that actually serves RFC 7591 registration (MCP clients register there blindly)")
}

var codeChallengeMethodsS256 = &suite.Check{
	ID: "rfc8414-2-code-challenge-methods-s256", Spec: suite.RFC8414, Section: "2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfilePKCE, vocab.ProfileOAuth21},
	Title: "The metadata advertises PKCE with S256 in code_challenge_methods_supported (or the deployment says so otherwise)",
	Quote: "code_challenge_methods_supported OPTIONAL. ... If omitted, the authorization server does not support PKCE. — " +
		"Authorization servers MUST provide a way to detect their support for PKCE. It is RECOMMENDED for authorization servers to publish the element code_challenge_methods_supported in their Authorization Server Metadata [RFC8414] containing the supported PKCE challenge methods (which can be used by the client to detect PKCE support). " +
		"Authorization servers MAY instead provide a deployment-specific way to ensure or determine PKCE support by the authorization server. (RFC 9700 §2.1.1)",
	Run: runCodeChallengeMethodsS256,
}

func runCodeChallengeMethodsS256(ctx context.Context, t *suite.T) error {
	res := t.Target.MetadataResult
	if slices.Contains(t.Target.Metadata.CodeChallengeMethodsSupported, "S256") {
		return nil
	}
	if ok, _ := t.Target.Has(vocab.FeaturePKCE); ok {
		// The config says the server supports PKCE: the deployment-specific
		// way RFC 9700 §2.1.1 allows instead of the metadata.
		t.Logf("the metadata does not list S256, but the config declares PKCE support: the deployment-specific way RFC 9700 §2.1.1 allows")
		return nil
	}
	return expect.Fail(res, `code_challenge_methods_supported: ["S256"]`,
		quoted(stringList(t.Target.Metadata.CodeChallengeMethodsSupported)),
		"clients read the absence of S256 as no PKCE support (RFC 8414 §2: if omitted, the server does not support PKCE; MCP clients refuse to proceed)").
		WithFix(`add "code_challenge_methods_supported": ["S256"] to the metadata`)
}

var authorizationEndpointRequired = &suite.Check{
	ID: "rfc8414-2-authorization-endpoint-required", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata has an authorization_endpoint when a grant type that uses it is supported",
	Quote: "authorization_endpoint URL of the authorization server's authorization endpoint [RFC6749]. This is REQUIRED unless no grant types are supported that use the authorization endpoint.",
	Run:   runAuthorizationEndpointRequired,
}

func runAuthorizationEndpointRequired(ctx context.Context, t *suite.T) error {
	users := slices.DeleteFunc(slices.Clone(t.Target.Metadata.GrantTypes()), func(g string) bool {
		return g != "authorization_code" && g != "implicit"
	})
	return endpointRequired(t, "authorization_endpoint", users,
		`add authorization_endpoint, or list in grant_types_supported only the grants the server offers (e.g. ["client_credentials"])`)
}

var tokenEndpointRequired = &suite.Check{
	ID: "rfc8414-2-token-endpoint-required", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata has a token_endpoint unless the implicit grant is the only grant supported",
	Quote: "token_endpoint URL of the authorization server's token endpoint [RFC6749]. This is REQUIRED unless only the implicit grant type is supported.",
	Run:   runTokenEndpointRequired,
}

func runTokenEndpointRequired(ctx context.Context, t *suite.T) error {
	users := slices.DeleteFunc(slices.Clone(t.Target.Metadata.GrantTypes()), func(g string) bool { return g == "implicit" })
	return endpointRequired(t, "token_endpoint", users,
		"add token_endpoint: every grant but the implicit one is redeemed there")
}

// endpointRequired fails metadata that names no URL in member although
// users, grant types it advertises (or its default), need that endpoint.
func endpointRequired(t *suite.T, member string, users []string, fix string) error {
	md := &t.Target.Metadata
	if len(users) == 0 {
		t.Logf("no advertised grant type uses the %s (grant_types_supported: %s)", strings.TrimSuffix(member, "_endpoint")+" endpoint", stringList(md.GrantTypesSupported))
		return nil
	}
	v, present := md.Raw[member]
	if s, _ := v.(string); s != "" {
		return nil
	}
	got := "absent"
	if present {
		got = expect.Describe(v)
	}
	why := "grant_types_supported lists " + strings.Join(users, ", ")
	if len(md.GrantTypesSupported) == 0 {
		why = `grant_types_supported is omitted, so its default ["authorization_code", "implicit"] applies`
	}
	return expect.Fail(t.Target.MetadataResult, "a "+member+" URL", member+": "+got,
		"%s, which use the %s endpoint, but the metadata names none", why, strings.TrimSuffix(member, "_endpoint")).
		WithFix(fix)
}

var grantTypesNotRefused = &suite.Check{
	ID: "rfc8414-2-grant-types-not-refused", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "The token endpoint does not refuse an advertised grant type as unsupported_grant_type",
	Quote:       "grant_types_supported OPTIONAL. JSON array containing a list of the OAuth 2.0 grant type values that this authorization server supports. ... If omitted, the default value is [\"authorization_code\", \"implicit\"].",
	Keywordless: keywordlessAdvertised,
	Run:         runGrantTypesNotRefused,
}

func runGrantTypesNotRefused(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	for _, g := range t.Target.Metadata.GrantTypes() {
		if g == "implicit" {
			continue // the implicit grant has no token request
		}
		res, err := t.Token(ctx, c, grantProbe(g, c), "token request with the advertised grant_type "+g)
		if err != nil {
			return err
		}
		if res.Status == http.StatusOK {
			_, _ = t.ParseTokens(res) // redact the tokens
		}
		code := expect.ErrorCode(res)
		t.Logf("grant_type %s: HTTP %d %s", g, res.Status, code)
		if code == "unsupported_grant_type" {
			note := ""
			if c.GrantTypes != nil && !slices.Contains(c.GrantTypes, g) {
				// RFC 6749 §5.2 answers unauthorized_client when only this
				// client may not use the grant.
				note = " (the client is not registered for this grant; if that is the reason, RFC 6749 §5.2 says unauthorized_client)"
			}
			return expect.Fail(res, "any answer but error=unsupported_grant_type", "error=unsupported_grant_type",
				"the metadata advertises grant_type %q but the token endpoint does not support it%s", g, note).
				WithEvidence(t.Target.MetadataResult.Exchange).
				WithFix("list in grant_types_supported only the grant types the token endpoint implements")
		}
	}
	return nil
}

var responseTypesNotRefused = &suite.Check{
	ID: "rfc8414-2-response-types-not-refused", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The authorization endpoint does not refuse an advertised response type as unsupported_response_type",
	Quote: "response_types_supported REQUIRED. JSON array containing a list of the OAuth 2.0 \"response_type\" values that this authorization server supports.",
	Keywordless: "REQUIRED binds the member's presence; its definition binds its content: the list holds the response types the server supports, " +
		"so a type it lists and then refuses as unsupported_response_type (RFC 6749 §4.1.2.1) makes the document false, and every client that trusts it fails",
	Run: runResponseTypesNotRefused,
}

func runResponseTypesNotRefused(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	for _, rt := range t.Target.Metadata.ResponseTypesSupported {
		rc, why, err := responseTypeClient(ctx, t, c, rt)
		if err != nil {
			return err
		}
		if rc == nil {
			t.Logf("response_type %s: not judged: %s", rt, why)
			continue
		}
		ar := t.NewAuthRequest(rc)
		ar.Extra = url.Values{"response_type": {rt}}
		if slices.Contains(strings.Fields(rt), "id_token") {
			ar.Extra.Set("nonce", fixture.RandomState()) // OpenID Connect requires one
		}
		res, err := t.Authorize(ctx, ar)
		if err != nil && !fixture.IsUnavailable(err) {
			return err
		}
		if res == nil {
			t.Logf("response_type %s: no answer to judge (%v)", rt, err)
			continue
		}
		redactCallback(t, res)
		last, how := res.LastResponse(), refusal(res)
		t.Logf("response_type %s: %s", rt, how)
		if strings.Contains(how, "unsupported_response_type") {
			return expect.Fail(last, "any answer but error=unsupported_response_type", how,
				"the metadata advertises response_type %q but the authorization endpoint does not support it", rt).
				WithEvidence(t.Target.MetadataResult.Exchange).
				WithFix("list in response_types_supported only the response types the authorization endpoint implements")
		}
	}
	return nil
}

// responseTypeClient is a client registered for the response type rt: c
// for code (the run's flows use it), else a client registered for rt
// alone, as a server refuses a response type the client is not
// registered for (RFC 7591 §2 response_types) with the same
// unsupported_response_type. nil, with why, when there is none.
func responseTypeClient(ctx context.Context, t *suite.T, c *fixture.Client, rt string) (*fixture.Client, string, error) {
	if rt == "code" {
		return c, "", nil
	}
	if ok, _ := t.Target.Has(vocab.FeatureDCR); !ok {
		return nil, "without dynamic registration, the configured client may not be registered for it", nil
	}
	var grants []string
	for _, f := range strings.Fields(rt) {
		switch f {
		case "code":
			grants = append(grants, "authorization_code")
		case "token", "id_token":
			if !slices.Contains(grants, "implicit") {
				grants = append(grants, "implicit")
			}
		}
	}
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t),
		map[string]any{"response_types": []string{rt}, "grant_types": grants, "client_name": "authspec response_type " + rt}))
	if err != nil {
		var skip *suite.Skipped
		if errors.As(err, &skip) {
			return nil, skip.Reason, nil
		}
		return nil, "", err
	}
	if !r.OK() {
		// Registration refuses the response type too: the run's client
		// is judged, two answers then telling the same.
		t.Logf("response_type %s: a client registered for it is refused (%s); judged with the run's client", rt, regclient.Outcome(r.Res))
		return c, "", nil
	}
	if kept, _, _ := expect.StringList(r.Info, "response_types"); len(kept) > 0 && !slices.Contains(kept, rt) {
		return nil, fmt.Sprintf("a client registered for it got response_types %v", kept), nil
	}
	return r.Client, "", nil
}

var tokenAuthMethodsAuthenticate = &suite.Check{
	ID: "rfc8414-2-token-auth-methods-authenticate", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "Every advertised token endpoint authentication method authspec can perform authenticates a client",
	Quote:       "token_endpoint_auth_methods_supported OPTIONAL. JSON array containing a list of client authentication methods supported by this token endpoint. ... If omitted, the default is \"client_secret_basic\"",
	Keywordless: keywordlessAdvertised,
	Run:         runTokenAuthMethodsAuthenticate,
}

func runTokenAuthMethodsAuthenticate(ctx context.Context, t *suite.T) error {
	tested := 0
	for _, m := range t.Target.Metadata.AuthMethods() {
		c, err := methodClient(ctx, t, m)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		ok, res, err := regclient.Authenticates(ctx, t, c, "authenticate with "+m)
		var skip *suite.Skipped
		if errors.As(err, &skip) {
			t.Logf("%s: %s", m, skip.Reason)
			continue
		}
		if err != nil {
			return err
		}
		tested++
		if !ok {
			return expect.Fail(res, "the client authenticates with "+m, regclient.Outcome(res),
				"token_endpoint_auth_methods_supported (or its default) lists %s, but a client registered for it cannot authenticate with it", m).
				WithEvidence(t.Target.MetadataResult.Exchange).
				WithFix("list in token_endpoint_auth_methods_supported only the methods the token endpoint accepts")
		}
	}
	if tested == 0 {
		return suite.SkipErr("no advertised authentication method could be tried (see the log)")
	}
	return nil
}

var introspectionEndpointIntrospects = &suite.Check{
	ID: "rfc8414-2-introspection-endpoint-introspects", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureIntrospection, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "The advertised introspection_endpoint answers an introspection request as RFC 7662 says",
	Quote:       "introspection_endpoint OPTIONAL. URL of the authorization server's OAuth 2.0 introspection endpoint [RFC7662].",
	Keywordless: keywordlessAdvertised,
	Run:         runIntrospectionEndpointIntrospects,
}

func runIntrospectionEndpointIntrospects(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	ep := t.Target.Metadata.IntrospectionEndpoint
	res, err := t.PostForm(ctx, ep, c, url.Values{"token": {"authspec-not-a-token-" + fixture.RandomState()}},
		"introspect a made-up token at the advertised introspection_endpoint (RFC 7662)")
	if err != nil {
		return err
	}
	fix := "advertise as introspection_endpoint the URL that serves RFC 7662 introspection"
	switch {
	case res.Status == http.StatusOK:
	case res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden ||
		(res.Status == http.StatusBadRequest && slices.Contains([]string{"invalid_client", "unauthorized_client", "access_denied"}, expect.ErrorCode(res))):
		// RFC 7662 §2.1: the endpoint "MUST also require some form of
		// authorization"; it may admit only some callers, and fixes no
		// answer for a caller it does not admit.
		return suite.SkipErr("the introspection endpoint did not admit the client (%s credentials): HTTP %d%s; it may admit only certain callers or require another kind of authentication", c.AuthMethod, res.Status, expect.BodyHint(res))
	default:
		return expect.Fail(res, `HTTP 200 with {"active": false}`, fmt.Sprintf("HTTP %d %s", res.Status, http.StatusText(res.Status)),
			"the advertised introspection_endpoint does not answer as an RFC 7662 introspection endpoint").
			WithFix(fix)
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return expect.WithFix(err, fix)
	}
	active, ok := m["active"].(bool)
	switch {
	case !ok:
		return expect.Fail(res, `a boolean "active" member`, "members: "+expect.Keys(m),
			"the introspection response lacks the REQUIRED active member (RFC 7662 §2.2)").
			WithFix(fix)
	case active:
		// An RFC 7662 answer all the same; rfc7662-2.2-unknown-token-inactive
		// judges it.
		t.Logf("a made-up token is reported active (rfc7662-2.2-unknown-token-inactive reports it)")
	}
	return nil
}

var scopesSupportedAccepted = &suite.Check{
	ID: "rfc8414-2-scopes-supported-accepted", Spec: suite.RFC8414, Section: "2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureConfidential, vocab.FeatureClientCredentials}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Every advertised scope can be requested without invalid_scope",
	Quote: "scopes_supported RECOMMENDED. JSON array containing a list of the OAuth 2.0 [RFC6749] \"scope\" values that this authorization server supports.",
	Keywordless: "RECOMMENDED binds publishing the list; the list states the scopes the server supports. A listed scope refused with invalid_scope in every flow authspec can run makes it untrue, " +
		"held at SHOULD since a server may restrict a scope to some clients (RFC 6749 §3.3)",
	Run: runScopesSupportedAccepted,
}

func runScopesSupportedAccepted(ctx context.Context, t *suite.T) error {
	scopes := t.Target.Metadata.ScopesSupported
	if len(scopes) == 0 {
		return suite.SkipErr("the metadata lists no scopes_supported")
	}
	for len(scopes) > 0 {
		refused, err := metadoc.RefusedScope(ctx, t, scopes, nil)
		if err != nil || refused == nil {
			return err
		}
		// A scope may be meant for access on behalf of a person only: try
		// it in the authorization code flow before calling it refused.
		granted, res, err := grantedInCodeFlow(ctx, t, refused.Scope)
		if err != nil {
			return err
		}
		if !granted {
			if res == nil {
				res = refused.Res
			}
			return expect.Fail(res, "a token for scope "+refused.Scope, "error=invalid_scope",
				"the metadata advertises scope %q but the server refuses it to the client_credentials grant and in the authorization code flow", refused.Scope).
				WithEvidence(t.Target.MetadataResult.Exchange, refused.Res.Exchange).
				WithFix("list in scopes_supported only scopes clients can request").
				AsObservation()
		}
		t.Logf("scope %s: refused to client_credentials, granted in the authorization code flow (a scope for access on behalf of a person)", refused.Scope)
		scopes = scopes[slices.Index(scopes, refused.Scope)+1:]
	}
	return nil
}

var codeChallengeMethodsHonoured = &suite.Check{
	ID: "rfc8414-2-code-challenge-methods-honoured", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfilePKCE},
	Title:       "Every advertised PKCE code_challenge_method is accepted and verified",
	Quote:       "code_challenge_methods_supported OPTIONAL. JSON array containing a list of Proof Key for Code Exchange (PKCE) [RFC7636] code challenge methods supported by this authorization server.",
	Keywordless: keywordlessAdvertised,
	Run:         runCodeChallengeMethodsHonoured,
}

// runCodeChallengeMethodsHonoured runs the code flow once per advertised
// method. A method fails when the flow works with another method but not
// with it; when no method works, the cause lies elsewhere and the check is
// SKIP.
func runCodeChallengeMethodsHonoured(ctx context.Context, t *suite.T) error {
	methods := t.Target.Metadata.CodeChallengeMethodsSupported
	if len(methods) == 0 {
		return suite.SkipErr("the metadata lists no code_challenge_methods_supported")
	}
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	type outcome struct {
		method string
		res    *httpx.Result
		why    string
	}
	var failed []outcome
	worked := 0
	for _, m := range methods {
		if m != "S256" && m != "plain" {
			t.Logf("code_challenge_method %s: not defined by RFC 7636; not judged", m)
			continue
		}
		ar := t.NewAuthRequest(c)
		p := pkceFor(m)
		ar.PKCE = &p
		code, az, err := t.Code(ctx, ar)
		if err != nil {
			if !fixture.IsUnavailable(err) {
				return err
			}
			t.Logf("code_challenge_method %s: %v", m, err)
			failed = append(failed, outcome{m, az.LastResponse(), "the authorization request was not answered with a code: " + err.Error()})
			continue
		}
		res, err := t.Redeem(ctx, ar, code, nil)
		if err != nil {
			return err
		}
		if res.Status != http.StatusOK {
			t.Logf("code_challenge_method %s: token request HTTP %d %s", m, res.Status, expect.ErrorCode(res))
			failed = append(failed, outcome{m, res, fmt.Sprintf("redeeming the code with the matching code_verifier failed: %s", regclient.Outcome(res))})
			continue
		}
		_, _ = t.ParseTokens(res) // redact the tokens
		worked++
	}
	switch {
	case len(failed) == 0:
		return nil
	case worked == 0:
		return suite.SkipErr("the code flow failed with every advertised method (%s), so the methods cannot be told apart", failed[0].why)
	}
	f := failed[0]
	return expect.Fail(f.res, "a code flow with code_challenge_method="+f.method, f.why,
		"code_challenge_methods_supported lists %s, but the code flow fails with it while it works with another method", f.method).
		WithEvidence(t.Target.MetadataResult.Exchange).
		WithFix("list in code_challenge_methods_supported only the methods the server implements (S256; plain is best left out)")
}

var introspectionAuthMethodsAuthenticate = &suite.Check{
	ID: "rfc8414-2-introspection-auth-methods-authenticate", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureIntrospection, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "Every advertised introspection endpoint authentication method authspec can perform authenticates a client",
	Quote:       "introspection_endpoint_auth_methods_supported OPTIONAL. JSON array containing a list of client authentication methods supported by this introspection endpoint.",
	Keywordless: keywordlessAdvertised,
	Run:         runIntrospectionAuthMethodsAuthenticate,
}

func runIntrospectionAuthMethodsAuthenticate(ctx context.Context, t *suite.T) error {
	methods, present, err := expect.StringList(t.Target.Metadata.Raw, "introspection_endpoint_auth_methods_supported")
	switch {
	case err != nil:
		return suite.SkipErr("introspection_endpoint_auth_methods_supported is malformed (%v; see rfc8414-3.2-multi-valued-as-arrays)", err)
	case !present:
		return suite.SkipErr("the metadata does not list introspection_endpoint_auth_methods_supported (RFC 8414 leaves the methods to other means then)")
	}
	return judgeAdvertisedMethods(ctx, t, advertisedMethods{
		endpoint: "introspection", member: "introspection_endpoint_auth_methods_supported",
		url: t.Target.Metadata.IntrospectionEndpoint, methods: methods, action: "introspect",
		// Every client refused, whatever its method: the endpoint may
		// admit only certain callers (RFC 7662 §2.1), which says nothing
		// about the methods.
		allRefused: "it may admit only certain callers, such as resource servers",
	})
}

var revocationAuthMethodsAuthenticate = &suite.Check{
	ID: "rfc8414-2-revocation-auth-methods-authenticate", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureRevocation, vocab.FeatureDCR}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "Every advertised revocation endpoint authentication method authspec can perform authenticates a client",
	Quote:       "revocation_endpoint_auth_methods_supported OPTIONAL. JSON array containing a list of client authentication methods supported by this revocation endpoint. ... If omitted, the default is \"client_secret_basic\" -- the HTTP Basic Authentication Scheme specified in Section 2.3.1 of OAuth 2.0 [RFC6749].",
	Keywordless: keywordlessAdvertised,
	Run:         runRevocationAuthMethodsAuthenticate,
}

// runRevocationAuthMethodsAuthenticate revokes a made-up token (answered
// 200 whatever the token, RFC 7009 §2.2) as a client registered for each
// advertised method authspec can perform: invalid_client for one method
// while another works shows a method listed that the endpoint refuses.
func runRevocationAuthMethodsAuthenticate(ctx context.Context, t *suite.T) error {
	methods, present, err := expect.StringList(t.Target.Metadata.Raw, "revocation_endpoint_auth_methods_supported")
	if err != nil {
		return suite.SkipErr("revocation_endpoint_auth_methods_supported is malformed (%v; see rfc8414-3.2-multi-valued-as-arrays)", err)
	}
	if !present {
		methods = []string{"client_secret_basic"}
		t.Logf("the metadata does not list revocation_endpoint_auth_methods_supported: the default client_secret_basic is judged")
	}
	return judgeAdvertisedMethods(ctx, t, advertisedMethods{
		endpoint: "revocation", member: "revocation_endpoint_auth_methods_supported (or its default)",
		url: t.Target.Metadata.RevocationEndpoint, methods: methods, action: "revoke",
		allRefused: "which says nothing about one method; rfc7009-2.1-* judge revocation",
	})
}

// advertisedMethods is an endpoint whose advertised client authentication
// methods judgeAdvertisedMethods tries.
type advertisedMethods struct {
	endpoint, member, url string
	methods               []string
	// action is the verb of the request made with a made-up token.
	action string
	// allRefused says what a refusal of every method means.
	allRefused string
}

// judgeAdvertisedMethods posts a made-up token (answered 200 whatever the
// token by a server that accepts the caller) to the endpoint as a client
// registered for each advertised method authspec can perform, and fails
// when one method is refused with invalid_client while another works.
func judgeAdvertisedMethods(ctx context.Context, t *suite.T, a advertisedMethods) error {
	var refused []outcomeOf
	accepted := 0
	for _, m := range a.methods {
		c, err := methodClient(ctx, t, m)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		res, err := t.PostForm(ctx, a.url, c, url.Values{"token": {"authspec-not-a-token-" + fixture.RandomState()}},
			a.action+" a made-up token authenticating with "+m)
		if err != nil {
			return err
		}
		t.Logf("%s: HTTP %d %s", m, res.Status, expect.ErrorCode(res))
		switch {
		case res.Status == http.StatusOK:
			accepted++
		case regclient.IsInvalidClient(res):
			refused = append(refused, outcomeOf{m, res})
		}
	}
	switch {
	case len(refused) > 0 && accepted == 0:
		return suite.SkipErr("the %s endpoint refused a client of every advertised method authspec can perform (first: %s with %s): %s",
			a.endpoint, refused[0].method, regclient.Outcome(refused[0].res), a.allRefused)
	case len(refused) > 0:
		f := refused[0]
		return expect.Fail(f.res, "the "+a.endpoint+" endpoint accepts a client authenticating with "+f.method, regclient.Outcome(f.res),
			"%s lists %s, but the %s endpoint refuses a client authenticating with it while it accepts another method", a.member, f.method, a.endpoint).
			WithEvidence(t.Target.MetadataResult.Exchange).
			WithFix("list in " + strings.Fields(a.member)[0] + " only the methods the " + a.endpoint + " endpoint accepts")
	case accepted == 0:
		return suite.SkipErr("no advertised %s authentication method could be judged (see the log)", a.endpoint)
	}
	return nil
}

// jwsAlgs and jweAlgs are the JWA algorithms (RFC 7518 §3.1, §4.1) that
// tell, for a key without "use", what it is for.
var (
	jwsAlgs = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "Ed25519", "Ed448", "ES256K"}
	jweAlgs = []string{"RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512", "A128KW", "A192KW", "A256KW", "dir",
		"ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW",
		"PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW"}
)

// keyPurpose is what a JWK is for, "sig", "enc" or "" when it does not say:
// its "use", else its "key_ops" (RFC 7517 §4.3), else its "alg".
func keyPurpose(k map[string]any) string {
	if use, _ := k["use"].(string); use == "sig" || use == "enc" {
		return use
	}
	ops, _ := k["key_ops"].([]any)
	for _, op := range ops {
		switch op {
		case "sign", "verify":
			return "sig"
		case "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits":
			return "enc"
		}
	}
	alg, _ := k["alg"].(string)
	switch {
	case slices.Contains(jwsAlgs, alg):
		return "sig"
	case slices.Contains(jweAlgs, alg):
		return "enc"
	}
	return ""
}

var jwksUseWhenMixed = &suite.Check{
	ID: "rfc8414-2-jwks-use-when-mixed", Spec: suite.RFC8414, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A JWK Set at jwks_uri that holds both signing and encryption keys gives every key its \"use\"",
	Quote: "When both signing and encryption keys are made available, a \"use\" (public key use) parameter value is REQUIRED for all keys in the referenced JWK Set to indicate each key's intended usage.",
	Run:   runJWKSUseWhenMixed,
}

// runJWKSUseWhenMixed fetches the JWK Set at jwks_uri (a public document)
// and, when it holds both signing and encryption keys, fails the keys
// without "use". No jwks_uri, or a set of one kind, passes.
func runJWKSUseWhenMixed(ctx context.Context, t *suite.T) error {
	v, present := t.Target.Metadata.Raw["jwks_uri"]
	if !present {
		t.Logf("the metadata has no jwks_uri")
		return nil
	}
	uri, _ := v.(string)
	if u, err := url.Parse(uri); err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") {
		return suite.SkipErr("jwks_uri %s is not an http(s) URL (see rfc8414-2-jwks-uri-https)", expect.Describe(v))
	}
	set, res, err := metadoc.Fetch(ctx, t, uri, "fetch the JWK Set at jwks_uri (RFC 8414 §2)")
	if err != nil {
		return err
	}
	keys, ok := set["keys"].([]any)
	if !ok {
		return suite.SkipErr("jwks_uri did not answer a JWK Set (HTTP %d%s)", res.Status, expect.BodyHint(res))
	}
	kinds := map[string]bool{}
	var without []string
	for i, e := range keys {
		k, _ := e.(map[string]any)
		kinds[keyPurpose(k)] = true
		if use, _ := k["use"].(string); use == "" {
			kid, _ := k["kid"].(string)
			without = append(without, fmt.Sprintf("key %d (kid %q, alg %s)", i, kid, expect.Describe(k["alg"])))
		}
	}
	if !kinds["sig"] || !kinds["enc"] {
		t.Logf("the JWK Set at %s holds %d keys, not both signing and encryption keys", uri, len(keys))
		return nil
	}
	if len(without) > 0 {
		return expect.Fail(res, `a "use" of "sig" or "enc" on every key`, strings.Join(without, "; ")+" without \"use\"",
			"the JWK Set holds both signing and encryption keys, and some keys do not say which they are").
			WithEvidence(t.Target.MetadataResult.Exchange).
			WithFix(`give every key of the JWK Set "use": "sig" or "use": "enc"`)
	}
	return nil
}
