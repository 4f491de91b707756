package rfc7591

import (
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// errorChecks returns the checks of RFC 7591 §3.2.2, Client Registration
// Error Response.
func errorChecks() []*suite.Check {
	return []*suite.Check{
		errorJSON, fragmentRedirectRefused, relativeRedirectRefused, unsupportedAuthMethod,
		invalidSoftwareStatement,
	}
}

var fragmentRedirectRefused = &suite.Check{
	ID: "rfc7591-3.2.2-fragment-redirect-refused", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "A redirect URI with a fragment is refused with invalid_redirect_uri",
	Quote: "The endpoint URI MUST NOT include a fragment component. (RFC 6749 §3.1.2) — invalid_redirect_uri: The value of one or more redirection URIs is invalid.",
	Keywordless: "The MUST NOT of RFC 6749 §3.1.2 makes such a URI invalid; registering it is the error condition RFC 7591 §3.2.2 answers with invalid_redirect_uri " +
		"(RFC 7592 §2.2 states the same duty for updates with a MUST), or the server substitutes a valid value (§3.2.2 MAY)",
	Run: runFragmentRedirectRefused,
}

func runFragmentRedirectRefused(ctx context.Context, t *suite.T) error {
	bad := t.RedirectURI() + "#fragment"
	r, err := register(ctx, t, map[string]any{"redirect_uris": []string{bad}})
	if err != nil {
		return err
	}
	return expect.WithFix(refusedOrDropped(r, "redirect_uris", bad, redirectCodes...),
		"refuse redirect URIs with a fragment (error=invalid_redirect_uri): an authorization response would be delivered to a URI that cannot match exactly")
}

var relativeRedirectRefused = &suite.Check{
	ID: "rfc7591-3.2.2-relative-redirect-refused", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "A relative redirect URI is refused with invalid_redirect_uri",
	Quote: "The redirection endpoint URI MUST be an absolute URI as defined by [RFC3986] Section 4.3. (RFC 6749 §3.1.2) — invalid_redirect_uri: The value of one or more redirection URIs is invalid.",
	Keywordless: "The MUST of RFC 6749 §3.1.2 makes a relative URI invalid; registering it is the error condition RFC 7591 §3.2.2 answers with invalid_redirect_uri " +
		"(RFC 7592 §2.2 states the same duty for updates with a MUST), or the server substitutes a valid value (§3.2.2 MAY)",
	Run: runRelativeRedirectRefused,
}

func runRelativeRedirectRefused(ctx context.Context, t *suite.T) error {
	bad := "/authspec/callback"
	r, err := register(ctx, t, map[string]any{"redirect_uris": []string{bad}})
	if err != nil {
		return err
	}
	return expect.WithFix(refusedOrDropped(r, "redirect_uris", bad, redirectCodes...),
		"refuse redirect URIs that are not absolute URIs with error=invalid_redirect_uri")
}

var errorJSON = &suite.Check{
	ID: "rfc7591-3.2.2-error-json", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "A registration error is HTTP 400 with a JSON object carrying an error code",
	Quote: "When a registration error condition occurs, the authorization server returns an HTTP 400 status code (unless otherwise specified) with content type \"application/json\" consisting of a JSON object [RFC7159] describing the error in the response body. ... error REQUIRED. Single ASCII error code string.",
	Run:   runErrorJSON,
}

func runErrorJSON(ctx context.Context, t *suite.T) error {
	// A JSON array is not the JSON object RFC 7591 §3.1 requires: an error
	// every server must report.
	res, err := regclient.PostRaw(ctx, t, []byte(`["authspec: a registration request must be a JSON object"]`),
		"register with a body that is a JSON array, not an object")
	if err != nil {
		return err
	}
	if err := regclient.Authorized(t, res); err != nil {
		return err
	}
	fix := `answer registration errors with HTTP 400, Content-Type: application/json and a body like {"error":"invalid_client_metadata","error_description":"..."}`
	if err := expect.Status(res, http.StatusBadRequest); err != nil {
		return expect.WithFix(err, fix)
	}
	mt, _, perr := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if perr != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return expect.Fail(res, "Content-Type: application/json", fmt.Sprintf("Content-Type: %q", res.Header.Get("Content-Type")),
			"the registration error is not declared as JSON").
			WithFix(fix)
	}
	m, err := expect.JSONObject(res, false)
	if err != nil {
		return expect.WithFix(err, fix)
	}
	code, isStr := m["error"].(string)
	if !isStr || code == "" {
		return expect.Fail(res, `a string member "error"`, "error: "+expect.Describe(m["error"]), "the error response has no error code").
			WithFix(fix)
	}
	for _, r := range code {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return expect.Fail(res, "an ASCII error code", fmt.Sprintf("error=%q", code), "the error code has characters RFC 6749 §5.2 does not allow")
		}
	}
	return nil
}

var unsupportedAuthMethod = &suite.Check{
	ID: "rfc7591-3.2.2-unsupported-auth-method", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "An unsupported token_endpoint_auth_method is refused (invalid_client_metadata) or replaced, and the response says which",
	Quote: "invalid_client_metadata: The value of one of the client metadata fields is invalid and the server has rejected this request. Note that an authorization server MAY choose to substitute a valid value for any requested parameter of a client's metadata. (§3.2.2) — the authorization server MUST return all registered metadata about the client (§3.2.1)",
	Run:   runUnsupportedAuthMethod,
}

func runUnsupportedAuthMethod(ctx context.Context, t *suite.T) error {
	const bogus = "authspec_unsupported_auth_method"
	r, err := register(ctx, t, map[string]any{"token_endpoint_auth_method": bogus})
	if err != nil {
		return err
	}
	res := r.Res
	fix := "refuse unsupported token_endpoint_auth_method values with error=invalid_client_metadata, or register a supported method and state it in the response"
	switch {
	case res.Status >= 500:
		return expect.Fail(res, "HTTP 400 error=invalid_client_metadata, or 201 with a supported method", fmt.Sprintf("HTTP %d", res.Status),
			"an unsupported token_endpoint_auth_method causes a server error").
			WithFix(fix)
	case res.Status < 200 || res.Status >= 300:
		err := expect.ErrorResponse(res)
		if err == nil && expect.ErrorCode(res) != "invalid_client_metadata" {
			t.Logf("refused with error=%s; RFC 7591 §3.2.2 names invalid_client_metadata for this", expect.ErrorCode(res))
		}
		return expect.WithFix(err, fix)
	case r.Info == nil:
		_, err := expect.JSONObject(res, false)
		return err
	}
	method, stated := statedMethod(r.Info)
	supported := t.Target.Metadata.AuthMethods()
	switch {
	case method == bogus:
		// No sentence forbids registering an extension method string; a
		// client that cannot use it can tell from the response.
		return expect.Fail(res, "error=invalid_client_metadata, or a supported token_endpoint_auth_method in the response",
			"token_endpoint_auth_method: "+bogus, "the server registered an authentication method it probably cannot perform (an extension it knows would be lawful)").
			WithFix(fix).AsObservation()
	case stated && len(t.Target.Metadata.TokenEndpointAuthMethodsSupported) > 0 && !slices.Contains(supported, method):
		// The metadata may be incomplete; the response is what binds.
		return expect.Fail(res, "a method of token_endpoint_auth_methods_supported "+expect.Describe(supported),
			"token_endpoint_auth_method: "+method, "the server substituted a method its metadata does not advertise").
			WithFix(fix).AsObservation()
	case !stated:
		t.Logf("the response states no token_endpoint_auth_method, which means client_secret_basic")
		if r.Client.Secret == "" {
			return expect.Fail(res, "a stated token_endpoint_auth_method, or a client_secret for client_secret_basic",
				"no token_endpoint_auth_method and no client_secret", "the response does not say how the client is to authenticate").
				WithFix(fix)
		}
	}
	return nil
}

// statementName is the client_name an unsigned software statement claims;
// plainName the one the registration request itself asks for.
const (
	statementName = "authspec unsigned software statement"
	plainName     = "authspec client with a software statement"
)

// unsignedStatement is a JWT with "alg": "none" (RFC 7519 §6): no
// signature, so no software statement (RFC 7591 §2.3).
func unsignedStatement() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"https://authspec.invalid","software_id":"authspec-unsigned","client_name":"`+statementName+`"}`)) + "."
}

var invalidSoftwareStatement = &suite.Check{
	ID: "rfc7591-3.2.2-invalid-software-statement", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must,
	Requires: dcr, Profiles: profiles,
	Title: "An unsigned software statement is refused (invalid_software_statement) or ignored, never used",
	Quote: "invalid_software_statement: The software statement presented is invalid.",
	Keywordless: "RFC 7591 §3.2.2 names the error of an invalid software statement; a server that does not support software statements ignores the member (§2: unknown metadata MUST be ignored), " +
		"and one that does cannot take the claims of a statement nobody signed (§2.3: a software statement is a JWT that MUST be digitally signed or MACed)",
	Run: runInvalidSoftwareStatement,
}

func runInvalidSoftwareStatement(ctx context.Context, t *suite.T) error {
	r, err := register(ctx, t, map[string]any{"client_name": plainName, "software_statement": unsignedStatement()})
	if err != nil {
		return err
	}
	res := r.Res
	fix := "verify the signature of a software_statement before using any of its claims, and refuse a statement that is not signed by a party you trust with error=invalid_software_statement (or unapproved_software_statement)"
	if res.Status >= 200 && res.Status < 300 {
		if r.Info == nil {
			_, err := expect.JSONObject(res, false)
			return err
		}
		if name, _ := r.Info["client_name"].(string); name == statementName {
			return expect.Fail(res, "the statement refused (invalid_software_statement), or ignored", fmt.Sprintf("client_name %q, the claim of the unsigned statement", name),
				"the server took the claims of a software statement that nobody signed").
				WithFix(fix)
		}
		t.Logf("the registration ignored the unsigned software statement (a server without software statements does)")
		return nil
	}
	// Refused: about the statement only if the same request without it
	// succeeds.
	ctl, err := register(ctx, t, map[string]any{"client_name": plainName})
	if err != nil {
		return err
	}
	if !ctl.OK() {
		return suite.SkipErr("the same registration without the software statement is refused too (HTTP %d%s), so the refusal says nothing about the statement", ctl.Res.Status, expect.BodyHint(ctl.Res))
	}
	if code := expect.ErrorCode(res); code != "invalid_software_statement" && code != "unapproved_software_statement" {
		t.Logf("the unsigned statement was refused with HTTP %d error=%q; RFC 7591 §3.2.2 names invalid_software_statement for an invalid statement", res.Status, code)
	}
	return nil
}
