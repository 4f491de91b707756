package rfc7592

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"sort"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// responseChecks returns the checks of RFC 7592 §3, Client Information
// Response.
func responseChecks() []*suite.Check {
	return []*suite.Check{registrationClientURI, readManagementFields, readRegisteredMetadata}
}

var registrationClientURI = &suite.Check{
	ID: "rfc7592-3-registration-client-uri", Spec: suite.RFC7592, Section: "3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "The registration response gives a fully qualified registration_client_uri together with a registration_access_token",
	Quote: "registration_client_uri REQUIRED. String containing the fully qualified URL of the client configuration endpoint for this client. registration_access_token REQUIRED. String containing the access token to be used at the client configuration endpoint to perform subsequent operations upon the client registration.",
	Run:   runRegistrationClientURI,
}

func runRegistrationClientURI(ctx context.Context, t *suite.T) error {
	r, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), nil))
	if err != nil {
		return err
	}
	return managementFields(r.Res, r.Info, "the registration response", true)
}

var readManagementFields = &suite.Check{
	ID: "rfc7592-3-read-management-fields", Spec: suite.RFC7592, Section: "3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "The client read response also carries registration_client_uri and registration_access_token",
	Quote: "Upon successful read ... the authorization server responds with an HTTP 200 OK ... and a payload as described in Section 3. (§2.1) — registration_client_uri REQUIRED ... registration_access_token REQUIRED. (§3)",
	Run:   runReadManagementFields,
}

func runReadManagementFields(ctx context.Context, t *suite.T) error {
	_, res, info, err := readNewOK(ctx, t)
	if err != nil {
		return err
	}
	return managementFields(res, info, "the read response", false)
}

var readRegisteredMetadata = &suite.Check{
	ID: "rfc7592-3-read-registered-metadata", Spec: suite.RFC7592, Section: "3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "The client read response returns the metadata the registration response stated",
	Quote: "Additionally, the authorization server MUST return all registered metadata about the client, including any fields provisioned by the authorization server itself.",
	Run:   runReadRegisteredMetadata,
}

func runReadRegisteredMetadata(ctx context.Context, t *suite.T) error {
	m, res, info, err := readNewOK(ctx, t)
	if err != nil {
		return err
	}
	for _, k := range []string{"redirect_uris", "grant_types", "response_types", "token_endpoint_auth_method", "client_name"} {
		want, registered := m.Info[k]
		if !registered {
			continue
		}
		got := info[k]
		if !sameValue(want, got) {
			return expect.Fail(res, k+": "+expect.Describe(want)+" (as registered)", k+": "+expect.Describe(got),
				"the read response does not return the registered %s", k).
				WithFix("return every registered metadata value in the client read response").
				WithEvidence(m.Res.Exchange)
		}
	}
	return nil
}

// managementFields checks registration_client_uri and
// registration_access_token in a client information response. When
// skipIfNone, a response with neither means the server does not implement
// RFC 7592 (SKIP).
func managementFields(r *httpx.Result, info map[string]any, where string, skipIfNone bool) error {
	uriV, hasURI := info["registration_client_uri"]
	tokV, hasTok := info["registration_access_token"]
	if skipIfNone && !hasURI && !hasTok {
		return suite.SkipErr("%s has neither registration_client_uri nor registration_access_token: the target does not offer RFC 7592 client management", where)
	}
	fix := "return registration_client_uri (an absolute https URL) and registration_access_token in every client information response"
	if !hasURI || !hasTok {
		missing := "registration_client_uri"
		if hasURI {
			missing = "registration_access_token"
		}
		return expect.Fail(r, "registration_client_uri and registration_access_token", missing+" absent; members: "+expect.Keys(info),
			"%s lacks %s", where, missing).
			WithFix(fix)
	}
	if tok, ok := tokV.(string); !ok || tok == "" {
		return expect.Fail(r, "registration_access_token as a non-empty string", "another type or empty", "%s has an unusable registration_access_token", where).
			WithFix(fix)
	}
	uri, ok := uriV.(string)
	if !ok {
		return expect.Fail(r, "registration_client_uri as a string", "registration_client_uri: "+expect.Describe(uriV), "%s has a registration_client_uri of the wrong type", where).
			WithFix(fix)
	}
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
		return expect.Fail(r, "a fully qualified http(s) URL", "registration_client_uri: "+expect.Describe(uri),
			"%s has a registration_client_uri that is not a fully qualified URL", where).
			WithFix(fix)
	}
	return nil
}

// sameValue compares two JSON values; arrays of strings compare as sets,
// since a server may return a list in another order.
func sameValue(a, b any) bool {
	la, okA := a.([]any)
	lb, okB := b.([]any)
	if !okA || !okB {
		return reflect.DeepEqual(a, b)
	}
	sa, sb := strs(la), strs(lb)
	if sa == nil || sb == nil {
		return reflect.DeepEqual(a, b)
	}
	return reflect.DeepEqual(sa, sb)
}

func strs(l []any) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
