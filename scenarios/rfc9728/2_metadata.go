package rfc9728

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// metadataChecks returns the checks of RFC 9728 §2, Protected Resource
// Metadata.
func metadataChecks() []*suite.Check {
	return []*suite.Check{
		authorizationServersListsIssuer, resourceRequired, authorizationServersHaveMetadata,
		bearerMethodsHonoured, scopesSupportedRequestable,
	}
}

var authorizationServersListsIssuer = &suite.Check{
	ID: "rfc9728-2-authorization-servers-lists-issuer", Spec: suite.RFC9728, Section: "2", Level: suite.May,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The resource's metadata lists the authorization server whose tokens it accepts (an observation)",
	Quote: "authorization_servers OPTIONAL. JSON array containing a list of OAuth authorization server issuer identifiers, as defined in [RFC8414], for authorization servers that can be used with this protected resource.",
	Run:   runAuthorizationServersListsIssuer,
}

// runAuthorizationServersListsIssuer reports, as an observation, a list of
// authorization servers that leaves out the server under test although the
// resource accepts its tokens: the member is OPTIONAL and a resource may
// name other servers, but clients that discover the server from the
// resource's metadata will not find this one.
func runAuthorizationServersListsIssuer(ctx context.Context, t *suite.T) error {
	res := t.Target.ResourceMetadataResult
	list, present, err := expect.StringList(t.Target.ResourceMetadata, "authorization_servers")
	switch {
	case err != nil:
		return suite.SkipErr("authorization_servers is malformed (%v; see rfc9728-3.2-multi-valued-as-arrays)", err)
	case !present:
		t.Logf("no authorization_servers member (OPTIONAL)")
		return nil
	case slices.Contains(list, t.Target.Issuer), t.Target.Metadata.Issuer != "" && slices.Contains(list, t.Target.Metadata.Issuer):
		return nil
	}
	if ok, _ := t.Target.Has(vocab.FeatureResource); !ok {
		return suite.SkipErr("no resource to show that it accepts this server's tokens")
	}
	_, accepted, err := probe.AcceptedToken(ctx, t)
	if err != nil {
		return err
	}
	return expect.Fail(res, "authorization_servers containing "+t.Target.Issuer, "["+strings.Join(list, ", ")+"]",
		"the resource accepts tokens of %s but its metadata names other authorization servers: clients that discover the server from the resource cannot find this one", t.Target.Issuer).
		WithFix("list the issuer identifier exactly as in its RFC 8414 metadata").
		WithEvidence(accepted.Exchange).
		AsObservation()
}

var resourceRequired = &suite.Check{
	ID: "rfc9728-2-resource-required", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The protected resource metadata has the required resource parameter",
	Quote: quoteResource,
	Run:   runResourceRequired,
}

func runResourceRequired(ctx context.Context, t *suite.T) error {
	doc := t.Target.ResourceMetadata
	v, ok := doc["resource"]
	if s, _ := v.(string); s != "" {
		return nil
	}
	got := "absent; parameters: " + expect.Keys(doc)
	if ok {
		got = expect.Describe(v)
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "resource: "+t.Target.Resource, got,
		"the protected resource metadata lacks its REQUIRED resource identifier; clients must discard it (RFC 9728 §3.3)").
		WithFix(`add "resource": "` + t.Target.Resource + `"`)
}

// maxAuthorizationServers bounds the issuers fetched for one check.
const maxAuthorizationServers = 5

var authorizationServersHaveMetadata = &suite.Check{
	ID: "rfc9728-2-authorization-servers-have-metadata", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "Every listed authorization server is an issuer whose RFC 8414 metadata names it",
	Quote: "authorization_servers OPTIONAL. JSON array containing a list of OAuth authorization server issuer identifiers, as defined in [RFC8414], for authorization servers that can be used with this protected resource.",
	Keywordless: "metadata states facts about the resource: a listed value must be an issuer identifier as RFC 8414 defines it, from which the server's metadata is found " +
		"and whose issuer is identical (RFC 8414 §3, §3.3); a value that is not one makes the document false for every client that follows it",
	Run: runAuthorizationServersHaveMetadata,
}

func runAuthorizationServersHaveMetadata(ctx context.Context, t *suite.T) error {
	list, present, err := expect.StringList(t.Target.ResourceMetadata, "authorization_servers")
	switch {
	case err != nil:
		return suite.SkipErr("authorization_servers is malformed (%v; see rfc9728-3.2-multi-valued-as-arrays)", err)
	case !present || len(list) == 0:
		return suite.SkipErr("the protected resource metadata lists no authorization_servers")
	}
	judged := 0
	for i, as := range list {
		if i == maxAuthorizationServers {
			t.Logf("only the first %d authorization servers were fetched", maxAuthorizationServers)
			break
		}
		doc, res, err := issuerMetadata(ctx, t, as)
		if err != nil && httpx.IsTransport(err) && !sameOrigin(as, t.Target.Issuer) {
			// Another organisation's server may not be reachable from
			// where the run is (a private network, a name this machine
			// cannot resolve): nothing is known of it.
			t.Logf("%s was not judged: no answer (%v)", as, err)
			continue
		}
		if err != nil {
			return err
		}
		judged++
		fix := "list only issuer identifiers of authorization servers that publish RFC 8414 metadata naming that issuer"
		if doc == nil {
			return expect.Fail(res, "RFC 8414 metadata for the issuer "+as, gotStatus(res),
				"authorization_servers lists %s, but no authorization server metadata is found for it; clients following the list fail", as).
				WithEvidence(t.Target.ResourceMetadataResult.Exchange).
				WithFix(fix)
		}
		if iss, _ := doc["issuer"].(string); iss != as {
			return expect.Fail(res, "issuer: "+as, "issuer: "+expect.Describe(doc["issuer"]),
				"the metadata of the listed authorization server %s names another issuer; clients must reject it (RFC 8414 §3.3)", as).
				WithEvidence(t.Target.ResourceMetadataResult.Exchange).
				WithFix(fix)
		}
	}
	if judged == 0 {
		return suite.SkipErr("none of the listed authorization servers answered: they are on other origins than the target's, which this run cannot reach")
	}
	return nil
}

// sameOrigin reports whether URLs a and b share scheme, host and port.
func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}

// issuerMetadata fetches the metadata of issuer as an RFC 9728 client would:
// RFC 8414 first, then OpenID Connect discovery. res is the last answer.
func issuerMetadata(ctx context.Context, t *suite.T, issuer string) (map[string]any, *httpx.Result, error) {
	u, err := url.Parse(issuer)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, nil, expect.Fail(t.Target.ResourceMetadataResult, "an issuer identifier (an absolute https URL)", fmt.Sprintf("%q", issuer),
			"authorization_servers holds a value that is not an issuer identifier")
	}
	var urls []string
	for _, suffix := range []string{"oauth-authorization-server", "openid-configuration"} {
		wk, err := target.WellKnownURL(issuer, suffix)
		if err != nil {
			return nil, nil, fmt.Errorf("well-known URL of %s: %w", issuer, err)
		}
		urls = append(urls, wk)
	}
	if appended := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"; appended != urls[1] {
		urls = append(urls, appended)
	}
	var res *httpx.Result
	for _, wk := range urls {
		doc, r, err := metadoc.Fetch(ctx, t, wk, "fetch the metadata of the listed authorization server "+issuer)
		if err != nil {
			return nil, nil, err
		}
		if res == nil || r.Status == http.StatusOK {
			res = r
		}
		if doc != nil {
			return doc, r, nil
		}
	}
	return nil, res, nil
}

var bearerMethodsHonoured = &suite.Check{
	ID: "rfc9728-2-bearer-methods-honoured", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureResourceMetadata, vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title:       "The resource accepts a valid token by every advertised bearer method",
	Quote:       "bearer_methods_supported OPTIONAL. JSON array containing a list of the supported methods of sending an OAuth 2.0 bearer token [RFC6750] to the protected resource. Defined values are [\"header\", \"body\", \"query\"], corresponding to Sections 2.1, 2.2, and 2.3 of [RFC6750].",
	Keywordless: "metadata states facts about the resource: a method listed as supported that the resource refuses makes the document false for every client that follows it",
	Run:         runBearerMethodsHonoured,
}

func runBearerMethodsHonoured(ctx context.Context, t *suite.T) error {
	methods, present, err := expect.StringList(t.Target.ResourceMetadata, "bearer_methods_supported")
	switch {
	case err != nil:
		return suite.SkipErr("bearer_methods_supported is malformed (%v; see rfc9728-3.2-multi-valued-as-arrays)", err)
	case !present || len(methods) == 0:
		return suite.SkipErr("the protected resource metadata advertises no bearer_methods_supported")
	}
	token, err := resourceToken(ctx, t)
	if err != nil {
		return err
	}
	control, err := callWithToken(ctx, t, "header", token)
	if err != nil {
		return err
	}
	if control.Status < 200 || control.Status > 299 {
		return suite.SkipErr("the resource refuses the access token in the Authorization header too (HTTP %d), so the token cannot show which methods work (the RFC 6750 and RFC 8707 checks judge that)", control.Status)
	}
	judged := 0
	for _, m := range methods {
		var res *httpx.Result
		switch m {
		case "header":
			res = control
		case "body", "query":
			if res, err = callWithToken(ctx, t, m, token); err != nil {
				return err
			}
		default:
			t.Logf("bearer method %q is not defined by RFC 9728; not judged", m)
			continue
		}
		t.Logf("bearer method %s: HTTP %d", m, res.Status)
		switch {
		case res.Status >= 200 && res.Status <= 299:
			judged++
		case !probe.TokenRefused(res):
			// A form body to a JSON-RPC server, a method the resource
			// does not serve, a server error: the request's form does
			// not suit the resource, which says nothing of the token.
			t.Logf("bearer method %s: HTTP %d is no refusal of the token (no 401, no invalid_token challenge); not judged", m, res.Status)
		default:
			return expect.Fail(res, "a 2xx answer with the token sent by "+m, fmt.Sprintf("HTTP %d %s", res.Status, http.StatusText(res.Status)),
				"bearer_methods_supported lists %q, but the resource refuses a token it accepts in the Authorization header when sent that way", m).
				WithEvidence(t.Target.ResourceMetadataResult.Exchange, control.Exchange).
				WithFix("list in bearer_methods_supported only the methods the resource accepts (usually just \"header\")")
		}
	}
	if judged == 0 {
		return suite.SkipErr("no advertised bearer method could be judged: the answers to the token sent that way were neither a success nor a refusal of the token")
	}
	return nil
}

// resourceToken gets an access token for the configured resource: by the
// client credentials grant when the target offers it, else by the
// authorization code flow.
func resourceToken(ctx context.Context, t *suite.T) (string, error) {
	c, err := t.Confidential(ctx)
	if err != nil {
		return "", err
	}
	if ok, _ := t.Target.Has(vocab.FeatureClientCredentials); ok && slices.Contains(c.GrantTypes, "client_credentials") {
		form := url.Values{"grant_type": {"client_credentials"}, "resource": t.Resources()}
		if len(t.Target.Config.Scopes) > 0 {
			form.Set("scope", strings.Join(t.Target.Config.Scopes, " "))
		}
		res, err := t.Token(ctx, c, form, "client_credentials token for the resource")
		if err != nil {
			return "", err
		}
		if ts, err := t.ParseTokens(res); err == nil {
			return ts.AccessToken, nil
		}
	}
	if ok, why := t.Target.Has(vocab.FeatureAuthCode); !ok {
		return "", suite.SkipErr("no way to get an access token for the resource: %s", why)
	}
	ts, err := t.TokensFor(ctx, c, nil)
	if err != nil {
		return "", err
	}
	return ts.AccessToken, nil
}

// callWithToken calls the resource with token sent by an RFC 6750 method:
// header (§2.1) and query (§2.3) the way the resource is called
// (probe.Call), body (§2.2) as a form POST.
func callWithToken(ctx context.Context, t *suite.T, method, token string) (*httpx.Result, error) {
	note := "call the protected resource with the token in the " + method + " (RFC 6750)"
	switch method {
	case "body":
		body := url.Values{"access_token": {token}}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Target.Resource, strings.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("resource request: %w", err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return t.HTTP.Do(ctx, req, note)
	case "query":
		u, err := url.Parse(t.Target.Resource)
		if err != nil {
			return nil, fmt.Errorf("resource URL: %w", err)
		}
		q := u.Query()
		q.Set("access_token", token)
		u.RawQuery = q.Encode()
		return probe.Call(ctx, t, u.String(), "", note)
	}
	return probe.Call(ctx, t, t.Target.Resource, "Bearer "+token, note)
}

var scopesSupportedRequestable = &suite.Check{
	ID: "rfc9728-2-scopes-supported-requestable", Spec: suite.RFC9728, Section: "2", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureResourceMetadata, vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The authorization server under test does not refuse the scopes the resource advertises for authorization requests (an observation)",
	Quote: "scopes_supported RECOMMENDED. JSON array containing a list of scope values, as defined in OAuth 2.0 [RFC6749], that are used in authorization requests to request access to this protected resource.",
	Run:   runScopesSupportedRequestable,
}

// runScopesSupportedRequestable asks for the advertised scopes the way the
// member describes them, in an authorization request for the resource. A
// refusal is an observation: RECOMMENDED binds publishing the member, and
// the server may refuse a scope to this client by policy (RFC 6749 §3.3).
func runScopesSupportedRequestable(ctx context.Context, t *suite.T) error {
	doc := t.Target.ResourceMetadata
	scopes, present, err := expect.StringList(doc, "scopes_supported")
	switch {
	case err != nil:
		return suite.SkipErr("scopes_supported is malformed (%v; see rfc9728-3.2-multi-valued-as-arrays)", err)
	case !present || len(scopes) == 0:
		return suite.SkipErr("the protected resource metadata lists no scopes_supported")
	}
	// The scopes are meant for the resource's authorization servers; judge
	// them only when the server under test is the one it names.
	if list, _, _ := expect.StringList(doc, "authorization_servers"); len(list) != 1 || list[0] != t.Target.Issuer {
		return suite.SkipErr("the resource does not name %s as its only authorization server, so its scopes may be another server's", t.Target.Issuer)
	}
	if len(scopes) > maxScopes {
		t.Logf("only the first %d scopes were asked for", maxScopes)
		scopes = scopes[:maxScopes]
	}
	ar, az, err := t.TryAuthorizeFor(ctx, nil, func(r *fixture.AuthRequest) { r.Scope = strings.Join(scopes, " ") })
	if err != nil {
		return err
	}
	switch e := az.ErrorCode(); {
	case az.Callback == nil && !az.PushRefused():
		return suite.SkipErr("the authorization request for the advertised scopes did not come back to the client: whether they were refused cannot be told")
	case e == "invalid_scope":
		return expect.Fail(az.LastResponse(), "an authorization code for scope="+ar.Scope, "error=invalid_scope",
			"the resource advertises the scopes %v for requesting access to it, but its authorization server refuses them", scopes).
			WithEvidence(t.Target.ResourceMetadataResult.Exchange).
			WithFix("list in the resource's scopes_supported only scopes its authorization servers grant").
			AsObservation()
	case e != "":
		return suite.SkipErr("the authorization request was refused with error=%s, not for its scopes", e)
	}
	return nil
}

// maxScopes bounds the scopes asked for in one request.
const maxScopes = 8

// quoteResource is §2's definition of the resource member, whose value
// §1.2 defines: "The protected resource's resource identifier, which is a
// URL that uses the https scheme and has no fragment component."
const quoteResource = "resource REQUIRED. The protected resource's resource identifier, as defined in Section 1.2."

// memberFormChecks returns the checks of RFC 9728 §2 that judge the form
// of single members: the URLs, the signing algorithms and the name.
func memberFormChecks() []*suite.Check {
	return []*suite.Check{
		resourceHTTPSURL, jwksURIHTTPS, jwksKeysHaveUse, signingAlgNoneAbsent, resourceName,
	}
}

// httpsOrLoopback judges the URL raw that RFC 9728 wants with the https
// scheme: "" when it is one (or http on the local machine, as test
// deployments are, which is only logged), else why not.
func httpsOrLoopback(t *suite.T, member, raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return "not an absolute URL"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && httpx.IsLoopback(u.Hostname()):
		t.Logf("the %s %s is http on a loopback address, as test deployments are: its scheme is not judged; run against the deployment served over https for that", member, raw)
		return ""
	}
	return "not an https URL"
}

var resourceHTTPSURL = &suite.Check{
	ID: "rfc9728-2-resource-https-url", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The resource identifier is an https URL without fragment",
	Quote: quoteResource,
	Keywordless: "REQUIRED makes the member mandatory, and §1.2 defines its value: \"The protected resource's resource identifier, which is a URL that uses the https scheme " +
		"and has no fragment component.\" A value in another form is not a resource identifier; an http identifier on the local machine is not judged (test deployments)",
	Run: runResourceHTTPSURL,
}

func runResourceHTTPSURL(_ context.Context, t *suite.T) error {
	v := t.Target.ResourceMetadata["resource"]
	s, _ := v.(string)
	if s == "" {
		return suite.SkipErr("the metadata has no resource identifier (rfc9728-2-resource-required reports it)")
	}
	why := httpsOrLoopback(t, "resource identifier", s)
	if why == "" && strings.Contains(s, "#") {
		why = "a URL with a fragment component"
	}
	if why == "" {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "an https URL without fragment", "resource: "+expect.Describe(v),
		"the resource identifier is %s: clients compare it with the URL they call and send tokens there (RFC 9728 §3.3, §7.3)", why).
		WithFix("identify the resource by an https URL without fragment, and publish that URL unchanged as resource")
}

var jwksURIHTTPS = &suite.Check{
	ID: "rfc9728-2-jwks-uri-https", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The resource's jwks_uri, when present, is an https URL",
	Quote: "jwks_uri OPTIONAL. URL of the protected resource's JSON Web Key (JWK) Set [JWK] document. ... This URL MUST use the https scheme.",
	Run:   runJWKSURIHTTPS,
}

func runJWKSURIHTTPS(_ context.Context, t *suite.T) error {
	v, present := t.Target.ResourceMetadata["jwks_uri"]
	if !present {
		t.Logf("the protected resource metadata has no jwks_uri")
		return nil
	}
	s, _ := v.(string)
	if httpsOrLoopback(t, "jwks_uri", s) == "" {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "an https URL", "jwks_uri: "+expect.Describe(v),
		"clients fetch the keys that verify the resource's signed responses from this URL: over http, anyone on the path can substitute them").
		WithFix("serve the resource's JWK Set over https and publish its https URL")
}

var signingAlgNoneAbsent = &suite.Check{
	ID: "rfc9728-2-signing-alg-none-absent", Spec: suite.RFC9728, Section: "2", Level: suite.MustNot,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "resource_signing_alg_values_supported does not list \"none\"",
	Quote: "resource_signing_alg_values_supported OPTIONAL. JSON array containing a list of the JWS [JWS] signing algorithms (alg values) [JWA] supported by the protected resource " +
		"for signing resource responses ... The value none MUST NOT be used.",
	Run: runSigningAlgNoneAbsent,
}

func runSigningAlgNoneAbsent(_ context.Context, t *suite.T) error {
	const member = "resource_signing_alg_values_supported"
	algs, present, err := expect.StringList(t.Target.ResourceMetadata, member)
	switch {
	case err != nil:
		return suite.SkipErr("%s is malformed (%v; see rfc9728-3.2-multi-valued-as-arrays)", member, err)
	case !present:
		t.Logf("the protected resource metadata has no %s", member)
		return nil
	case !slices.Contains(algs, "none"):
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "a list without \"none\"", member+": "+expect.Describe(t.Target.ResourceMetadata[member]),
		"the resource says it may sign its responses with no signature at all: anyone could forge them").
		WithFix("remove \"none\" from " + member)
}

var resourceName = &suite.Check{
	ID: "rfc9728-2-resource-name", Spec: suite.RFC9728, Section: "2", Level: suite.Should,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The protected resource metadata names the resource for people (resource_name)",
	Quote: "resource_name Human-readable name of the protected resource intended for display to the end user. It is RECOMMENDED that protected resource metadata include this field.",
	Run:   runResourceName,
}

// runResourceName accepts resource_name with or without a language tag
// (§2.1): whether the untagged instance is there too is
// rfc9728-2.1-untagged-instance's question.
func runResourceName(_ context.Context, t *suite.T) error {
	doc := t.Target.ResourceMetadata
	names := []string{}
	for name := range doc {
		if name == "resource_name" || strings.HasPrefix(name, "resource_name#") {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return expect.Fail(t.Target.ResourceMetadataResult, "resource_name: a name for people", "absent; parameters: "+expect.Keys(doc),
			"the protected resource metadata does not name the resource for people").
			WithFix(`add "resource_name": a name clients can show when they ask the user to allow access to this resource`)
	}
	slices.Sort(names)
	for _, name := range names {
		if s, _ := doc[name].(string); strings.TrimSpace(s) != "" {
			return nil
		}
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "resource_name: a name for people", names[0]+": "+expect.Describe(doc[names[0]]),
		"the resource's name is not a non-empty string").
		WithFix(`give "resource_name" a string naming the resource, as clients show it to the user`)
}

var jwksKeysHaveUse = &suite.Check{
	ID: "rfc9728-2-jwks-keys-have-use", Spec: suite.RFC9728, Section: "2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "A JWK Set at jwks_uri with both signing and encryption keys gives every key a use",
	Quote: "When both signing and encryption keys are made available, a use (public key use) parameter value is REQUIRED for all keys in the referenced JWK Set to indicate each key's intended usage.",
	Run:   runJWKSKeysHaveUse,
}

// runJWKSKeysHaveUse fetches the JWK Set at jwks_uri (a public document:
// nothing the run is trusted with is sent) and, when its keys show both
// purposes (keyPurpose), fails a key without use. A set whose keys do not
// show both is not concerned.
func runJWKSKeysHaveUse(ctx context.Context, t *suite.T) error {
	u, _ := t.Target.ResourceMetadata["jwks_uri"].(string)
	if u == "" {
		t.Logf("the protected resource metadata has no jwks_uri")
		return nil
	}
	doc, res, err := metadoc.Fetch(ctx, t, u, "fetch the resource's JWK Set (jwks_uri)")
	if err != nil {
		return err
	}
	keys, ok := doc["keys"].([]any)
	if !ok {
		return suite.SkipErr("jwks_uri answered %s, not a JWK Set (a JSON object with keys)", expect.Outcome(res))
	}
	var sig, enc bool
	var without []string
	for i, k := range keys {
		m, _ := k.(map[string]any)
		s, e := keyPurpose(m)
		sig, enc = sig || s, enc || e
		if _, has := m["use"]; !has {
			without = append(without, fmt.Sprintf("key %d (kid %s)", i+1, expect.Describe(m["kid"])))
		}
	}
	if !sig || !enc || len(without) == 0 {
		return nil
	}
	return expect.Fail(res, "use on every key: the set holds signing and encryption keys", "no use on "+strings.Join(without, ", "),
		"clients cannot tell which key verifies the resource's signatures and which encrypts for it").
		WithFix(`give every key of the JWK Set "use": "sig" or "use": "enc"`)
}

// jwsAlgs are the JWS algorithms of the IANA registry that sign or MAC.
const jwsAlgs = "HS256 HS384 HS512 RS256 RS384 RS512 ES256 ES384 ES512 ES256K PS256 PS384 PS512 EdDSA Ed25519 Ed448"

// keyPurpose reports whether a JWK shows itself a signing key or an
// encryption key: by use, key_ops or alg (a JWS algorithm, or a JWE key
// management algorithm).
func keyPurpose(k map[string]any) (sig, enc bool) {
	switch k["use"] {
	case "sig":
		sig = true
	case "enc":
		enc = true
	}
	ops, _ := k["key_ops"].([]any)
	for _, op := range ops {
		switch op {
		case "sign", "verify":
			sig = true
		case "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits":
			enc = true
		}
	}
	alg, _ := k["alg"].(string)
	switch {
	case slices.Contains(strings.Fields(jwsAlgs), alg):
		sig = true
	case alg == "dir" || alg == "RSA1_5" || strings.HasPrefix(alg, "RSA-OAEP") || strings.HasPrefix(alg, "ECDH-ES") ||
		strings.HasPrefix(alg, "PBES2") || strings.HasSuffix(alg, "KW"):
		enc = true
	}
	return sig, enc
}
