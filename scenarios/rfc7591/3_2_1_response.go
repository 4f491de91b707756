package rfc7591

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// responseChecks returns the checks of RFC 7591 §3.2.1, Client Information
// Response.
func responseChecks() []*suite.Check {
	return append(identityChecks(), credentialChecks()...)
}

// identityChecks are the checks of the response and the client_id.
func identityChecks() []*suite.Check {
	return []*suite.Check{status201Created, clientIDPresent, clientIDUnique}
}

// credentialChecks are the checks of the client_secret and the metadata.
func credentialChecks() []*suite.Check {
	return []*suite.Check{
		secretForConfidential, noSecretForPublic, secretUnique, secretExpiresAt,
		issuedAtSeconds, metadataEchoed, issuedCredentialsWork,
	}
}

var status201Created = &suite.Check{
	ID: "rfc7591-3.2.1-201-created", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title:       "A successful registration answers 201 Created with a JSON object",
	Quote:       "The successful registration response uses an HTTP 201 Created status code with a body of type \"application/json\" consisting of a single JSON object [RFC7159] with all parameters as top-level members of the object.",
	Keywordless: "RFC 7591 §3.2.1 states the format of a successful registration response in the indicative; a successful registration answered otherwise is not the response clients parse",
	Run:         run201Created,
}

func run201Created(ctx context.Context, t *suite.T) error {
	r, err := register(ctx, t, nil)
	if err != nil {
		return err
	}
	if r.Res.Status < 200 || r.Res.Status >= 300 {
		// The sentence is about successful registrations; the other RFC
		// 7591 checks judge refusals.
		return suite.SkipErr("the registration was not successful (HTTP %d%s), so there is no successful registration response to judge", r.Res.Status, expect.BodyHint(r.Res))
	}
	if err := expect.Status(r.Res, http.StatusCreated); err != nil {
		return expect.WithFix(err, "answer successful registrations with 201 Created")
	}
	_, err = expect.JSONObject(r.Res, true)
	return err
}

var clientIDPresent = &suite.Check{
	ID: "rfc7591-3.2.1-client-id-present", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "The registration response carries a non-empty client_id string",
	Quote: "client_id REQUIRED. OAuth 2.0 client identifier string.",
	Run:   runClientIDPresent,
}

func runClientIDPresent(ctx context.Context, t *suite.T) error {
	r, err := registeredAny(ctx, t, nil)
	if err != nil {
		return err
	}
	id, err := expect.Member(r.Res, r.Info, "client_id")
	if err != nil {
		return expect.WithFix(err, "return the issued client_id as a JSON string")
	}
	if id == "" {
		return expect.Fail(r.Res, "a non-empty client_id", `client_id: ""`, "the client identifier is empty").
			WithFix("return the issued client_id")
	}
	return nil
}

var clientIDUnique = &suite.Check{
	ID: "rfc7591-3.2.1-client-id-unique", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.ShouldNot,
	Requires: dcr, Profiles: profiles,
	Title: "Two registrations of different clients get different client_ids",
	Quote: "client_id ... It SHOULD NOT be currently valid for any other registered client, though an authorization server MAY issue the same client identifier to multiple instances of a registered client at its discretion.",
	Run:   runClientIDUnique,
}

func runClientIDUnique(ctx context.Context, t *suite.T) error {
	a, b, err := registeredTwice(ctx, t, "authspec uniqueness check")
	if err != nil {
		return err
	}
	if a.Client.ID == b.Client.ID {
		return expect.Fail(b.Res, "a client_id different from the first registration's", "the same client_id twice",
			"two registrations with different client_name received the same client_id").
			WithFix("issue a fresh, unguessable client_id for every registration").
			WithEvidence(a.Res.Exchange)
	}
	return nil
}

var secretForConfidential = &suite.Check{
	ID: "rfc7591-3.2.1-secret-for-confidential", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "A client registered with a client_secret method is issued a client_secret",
	Quote: "The response contains the client identifier as well as the client secret, if the client is a confidential client. ... client_secret ... This value is used by confidential clients to authenticate to the token endpoint, as described in OAuth 2.0 [RFC6749], Section 2.3.1.",
	Keywordless: "RFC 7591 §3.2.1 states the content of the response in the indicative: a client registered with a client_secret method is a confidential client, and the response carries its secret " +
		"(client_secret's OPTIONAL covers clients that need none)",
	Run: runSecretForConfidential,
}

func runSecretForConfidential(ctx context.Context, t *suite.T) error {
	if err := needSecretMethod(t); err != nil {
		return err
	}
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.SecretMethod(t), nil))
	if err != nil {
		return err
	}
	method, _ := statedMethod(r.Info)
	if !slices.Contains(secretMethods, method) {
		return suite.SkipErr("the server registered token_endpoint_auth_method %q instead of %q (a substitution RFC 7591 §3.2.1 allows); it needs no client_secret", method, regclient.SecretMethod(t))
	}
	if _, present := r.Info["client_secret"]; !present {
		return expect.Fail(r.Res, "a client_secret", "none; members: "+expect.Keys(r.Info),
			"the client is registered with %s but was given no secret to authenticate with", method).
			WithFix("issue a client_secret to clients registered with client_secret_basic or client_secret_post")
	}
	if s, ok := r.Info["client_secret"].(string); !ok || s == "" {
		return expect.Fail(r.Res, "client_secret as a non-empty string", "client_secret of another type or empty", "the client_secret is unusable")
	}
	return nil
}

var noSecretForPublic = &suite.Check{
	ID: "rfc7591-3.2.1-no-secret-for-public", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.ShouldNot,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeaturePublicClients}, Profiles: profiles,
	Title: "A public client (token_endpoint_auth_method none) is not issued a client_secret",
	Quote: "\"none\": The client is a public client as defined in OAuth 2.0, Section 2.1, and does not have a client secret. (RFC 7591 §2) — The response contains the client identifier as well as the client secret, if the client is a confidential client.",
	Keywordless: "The definition of \"none\" says such a client has no client secret, and §3.2.1 gives the secret to confidential clients only; " +
		"a secret issued anyway is unusable rather than dangerous, so the definition is held at SHOULD NOT",
	Run: runNoSecretForPublic,
}

func runNoSecretForPublic(ctx context.Context, t *suite.T) error {
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, "none", nil))
	if err != nil {
		return err
	}
	if method, _ := statedMethod(r.Info); method != "none" {
		return suite.SkipErr("the server registered token_endpoint_auth_method %q instead of none", method)
	}
	if v, present := r.Info["client_secret"]; present && v != nil && v != "" {
		// A member written as null or "" (a server that writes out unset
		// fields) issues no secret.
		return expect.Fail(r.Res, "no client_secret for a client registered with token_endpoint_auth_method none",
			"a client_secret", "a public client was issued a secret it cannot keep").
			WithFix("do not issue client secrets to clients registered with token_endpoint_auth_method none")
	}
	return nil
}

var secretUnique = &suite.Check{
	ID: "rfc7591-3.2.1-secret-unique", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "Every client_id gets its own client_secret",
	Quote: "client_secret ... If issued, this MUST be unique for each \"client_id\" and SHOULD be unique for multiple instances of a client using the same \"client_id\".",
	Run:   runSecretUnique,
}

func runSecretUnique(ctx context.Context, t *suite.T) error {
	a, b, err := registeredTwice(ctx, t, "authspec secret check")
	if err != nil {
		return err
	}
	if a.Client.Secret == "" || b.Client.Secret == "" {
		return suite.SkipErr("the registrations issued no client_secret (see rfc7591-3.2.1-secret-for-confidential)")
	}
	if a.Client.ID == b.Client.ID {
		return suite.SkipErr("both registrations got the same client_id (see rfc7591-3.2.1-client-id-unique)")
	}
	if a.Client.Secret == b.Client.Secret {
		return expect.Fail(b.Res, "a client_secret different from the other client's", "the same client_secret for two client_ids",
			"two clients share one secret: either can authenticate as the other").
			WithFix("generate every client_secret from a cryptographic random source").
			WithEvidence(a.Res.Exchange)
	}
	return nil
}

var secretExpiresAt = &suite.Check{
	ID: "rfc7591-3.2.1-secret-expires-at", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "client_secret_expires_at (a number, 0 for never) accompanies an issued client_secret",
	Quote: "client_secret_expires_at REQUIRED if \"client_secret\" is issued. Time at which the client secret will expire or 0 if it will not expire. The time is represented as the number of seconds from 1970-01-01T00:00:00Z as measured in UTC until the date/time of expiration.",
	Run:   runSecretExpiresAt,
}

func runSecretExpiresAt(ctx context.Context, t *suite.T) error {
	r, err := registered(ctx, t, nil)
	if err != nil {
		return err
	}
	if sec, _ := r.Info["client_secret"].(string); sec == "" {
		return suite.SkipErr("the registration issued no client_secret (the member is absent, null or empty)")
	}
	v, ok := r.Info["client_secret_expires_at"]
	if !ok {
		return expect.Fail(r.Res, "client_secret_expires_at (0 for never)", "absent",
			"clients cannot tell when the secret expires; many clients refuse the response").
			WithFix(`add "client_secret_expires_at": 0 (or the expiry time in seconds) to responses that carry a client_secret`)
	}
	n, isNum := v.(float64)
	if !isNum || n < 0 || n != math.Trunc(n) {
		return expect.Fail(r.Res, "client_secret_expires_at as a non-negative integer number of seconds", "client_secret_expires_at: "+expect.Describe(v),
			"client_secret_expires_at has the wrong type or value").
			WithFix("send a JSON number: seconds since 1970-01-01T00:00:00Z, or 0")
	}
	return nil
}

var issuedAtSeconds = &suite.Check{
	ID: "rfc7591-3.2.1-issued-at-seconds", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title:       "client_id_issued_at, when present, is a number of seconds since the epoch",
	Quote:       "client_id_issued_at OPTIONAL. Time at which the client identifier was issued. The time is represented as the number of seconds from 1970-01-01T00:00:00Z as measured in UTC until the date/time of issuance.",
	Keywordless: "OPTIONAL governs whether the member is present; when it is, its definition fixes the representation: a number of seconds since the epoch",
	Run:         runIssuedAtSeconds,
}

func runIssuedAtSeconds(ctx context.Context, t *suite.T) error {
	r, err := registered(ctx, t, nil)
	if err != nil {
		return err
	}
	v, ok := r.Info["client_id_issued_at"]
	if !ok {
		return suite.SkipErr("the response has no client_id_issued_at (it is OPTIONAL)")
	}
	n, isNum := v.(float64)
	if !isNum {
		return expect.Fail(r.Res, "client_id_issued_at as a JSON number", "client_id_issued_at: "+expect.Describe(v), "client_id_issued_at has the wrong type").
			WithFix("send client_id_issued_at as a JSON number of seconds, not a string or a date")
	}
	// A day of tolerance for clock skew; a value in the far future
	// is almost always milliseconds.
	now := float64(time.Now().Unix())
	if n < 0 || n > now+86400 {
		why := "client_id_issued_at is in the future"
		if n > now*100 {
			why = "client_id_issued_at looks like milliseconds, not seconds"
		}
		return expect.Fail(r.Res, fmt.Sprintf("about %.0f (seconds since the epoch)", now), fmt.Sprintf("%.0f", n), "%s", why).
			WithFix("send the issuance time in seconds since 1970-01-01T00:00:00Z")
	}
	return nil
}

// needSecretMethod SKIPs when the target advertises neither client_secret
// method (a server of public clients only).
func needSecretMethod(t *suite.T) error {
	ams := t.Target.Metadata.AuthMethods()
	if !slices.Contains(ams, "client_secret_basic") && !slices.Contains(ams, "client_secret_post") {
		return suite.SkipErr("token_endpoint_auth_methods_supported lists neither client_secret_basic nor client_secret_post %v", ams)
	}
	return nil
}

// registeredAny is registered without turning a missing client_id into SKIP.
func registeredAny(ctx context.Context, t *suite.T, changes map[string]any) (*regclient.Registration, error) {
	r, err := register(ctx, t, changes)
	if err != nil {
		return nil, err
	}
	if !r.OK() {
		return nil, suite.SkipErr("registering a client failed with HTTP %d (see rfc7591-3.2.1-201-created)", r.Res.Status)
	}
	return r, nil
}

var metadataEchoed = &suite.Check{
	ID: "rfc7591-3.2.1-metadata-echoed", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "The registration response contains the registered metadata",
	Quote: "Additionally, the authorization server MUST return all registered metadata about the client, including any fields provisioned by the authorization server itself.",
	Run:   runMetadataEchoed,
}

func runMetadataEchoed(ctx context.Context, t *suite.T) error {
	name := "authspec echo check"
	r, err := registered(ctx, t, map[string]any{"client_name": name})
	if err != nil {
		return err
	}
	res, info := r.Res, r.Info
	if err := redirectURIsEchoed(t, res, info); err != nil {
		return err
	}
	for _, m := range []string{"grant_types", "response_types"} {
		if _, _, err := expect.StringList(info, m); err != nil {
			return expect.Fail(res, m+" as an array of strings", m+": "+expect.Describe(info[m]), "%s has the wrong type", m)
		}
	}
	for _, m := range []string{"token_endpoint_auth_method", "client_name"} {
		if v, present := info[m]; present {
			if _, isStr := v.(string); !isStr {
				return expect.Fail(res, m+" as a string", m+": "+expect.Describe(v), "%s has the wrong type", m)
			}
		} else {
			t.Logf("the response omits %s (a server may not implement it; an absent token_endpoint_auth_method means client_secret_basic)", m)
		}
	}
	return nil
}

// redirectURIsEchoed judges the redirect_uris of a registration response
// for the run's authorization code client. A server that registered other
// grant types than those asked for (§3.2.1 lets it replace values), none
// of which redirects, registered no redirect URI: none to return.
func redirectURIsEchoed(t *suite.T, res *httpx.Result, info map[string]any) error {
	uris, present, err := expect.StringList(info, "redirect_uris")
	if err == nil && len(uris) == 0 {
		grants, listed, gerr := expect.StringList(info, "grant_types")
		if gerr == nil && listed && !slices.Contains(grants, "authorization_code") && !slices.Contains(grants, "implicit") {
			t.Logf("the server registered grant_types %v, none of which uses a redirect URI, and returns no redirect URI", grants)
			return nil
		}
	}
	switch {
	case !present:
		return expect.Fail(res, "redirect_uris as registered", "no redirect_uris; members: "+expect.Keys(info),
			"the response does not say which redirect URIs were registered").
			WithFix("return every registered metadata value (redirect_uris, grant_types, token_endpoint_auth_method, client_name, ...) in the registration response")
	case err != nil:
		return expect.Fail(res, "redirect_uris as an array of strings", "redirect_uris: "+expect.Describe(info["redirect_uris"]), "redirect_uris has the wrong type")
	case len(uris) == 0:
		return expect.Fail(res, "redirect_uris containing "+t.RedirectURI(), "an empty redirect_uris", "the response registers no redirect URI for an authorization code client")
	}
	if !slices.Contains(uris, t.RedirectURI()) {
		t.Logf("the server registered redirect_uris %v instead of the requested %s (a substitution RFC 7591 §3.2.1 allows)", uris, t.RedirectURI())
	}
	return nil
}

var issuedCredentialsWork = &suite.Check{
	ID: "rfc7591-3.2.1-issued-credentials-work", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "The issued client_secret authenticates at the token endpoint with the method the response states",
	Quote: "client_secret ... This value is used by confidential clients to authenticate to the token endpoint, as described in OAuth 2.0 [RFC6749], Section 2.3.1. ... The client or developer can check the values in the response to determine if the registration is sufficient for use (e.g., the registered \"token_endpoint_auth_method\" is supported by the client software)",
	Keywordless: "RFC 7591 §3.2.1 defines the issued client_secret as the value the client authenticates with at the token endpoint, using the registered token_endpoint_auth_method the response states: " +
		"credentials that do not authenticate are not the ones the definition describes",
	Run: runIssuedCredentialsWork,
}

func runIssuedCredentialsWork(ctx context.Context, t *suite.T) error {
	// Ask for client_secret_post when the target supports it, so that a
	// response that states nothing (which means client_secret_basic) or the
	// wrong method is caught by the token endpoint's answer.
	if err := needSecretMethod(t); err != nil {
		return err
	}
	method := regclient.SecretMethod(t)
	if slices.Contains(t.Target.Metadata.AuthMethods(), "client_secret_post") {
		method = "client_secret_post"
	}
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, method, nil))
	if err != nil {
		return err
	}
	c := r.Client
	if c.Secret == "" {
		return suite.SkipErr("the registration issued no client_secret (see rfc7591-3.2.1-secret-for-confidential)")
	}
	ok, res, err := regclient.Authenticates(ctx, t, c, "authenticate with the issued credentials using "+c.AuthMethod)
	if err != nil {
		return err
	}
	if !ok {
		stated, _ := statedMethod(r.Info)
		return expect.Fail(res, "the token endpoint accepts the client", regclient.Outcome(res),
			"the token endpoint refuses the client_id and client_secret just issued, used with %s as the registration response states", stated).
			WithFix("make the client_secret in the registration response the one the token endpoint checks, and state the token_endpoint_auth_method the client must use").
			WithEvidence(r.Res.Exchange)
	}
	return nil
}

// registered is register for checks that judge a successful registration:
// a refused registration is SKIP (rfc7591-3.2.1-201-created reports it).
func registered(ctx context.Context, t *suite.T, changes map[string]any) (*regclient.Registration, error) {
	return regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), changes))
}

// registeredTwice registers two clients, named name+" A" and name+" B".
func registeredTwice(ctx context.Context, t *suite.T, name string) (a, b *regclient.Registration, err error) {
	if a, err = registered(ctx, t, map[string]any{"client_name": name + " A"}); err != nil {
		return nil, nil, err
	}
	if b, err = registered(ctx, t, map[string]any{"client_name": name + " B"}); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}
