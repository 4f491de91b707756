package rfc8414

import (
	"context"
	"mime"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// responseChecks returns the checks of RFC 8414 §3.2, Authorization Server
// Metadata Response.
func responseChecks() []*suite.Check {
	return []*suite.Check{jsonContentType, noEmptyArrays, multiValuedAsArrays}
}

var jsonContentType = &suite.Check{
	ID: "rfc8414-3.2-json-content-type", Spec: suite.RFC8414, Section: "3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata is served as application/json",
	Quote: "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the \"application/json\" content type.",
	Run:   runJSONContentType,
}

func runJSONContentType(ctx context.Context, t *suite.T) error {
	res := t.Target.MetadataResult
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt != "application/json" {
		return expect.Fail(res, "Content-Type: application/json", "Content-Type: "+quoted(res.Header.Get("Content-Type")),
			"the metadata is not declared as JSON").
			WithFix("serve the metadata with Content-Type: application/json")
	}
	return nil
}

// arrayMembers are the members RFC 8414 §2 defines as JSON arrays of strings.
var arrayMembers = []string{
	"scopes_supported", "response_types_supported", "response_modes_supported", "grant_types_supported",
	"token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported", "ui_locales_supported",
	"revocation_endpoint_auth_methods_supported", "revocation_endpoint_auth_signing_alg_values_supported",
	"introspection_endpoint_auth_methods_supported", "introspection_endpoint_auth_signing_alg_values_supported",
	"code_challenge_methods_supported",
}

var noEmptyArrays = &suite.Check{
	ID: "rfc8414-3.2-no-empty-arrays", Spec: suite.RFC8414, Section: "3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "The metadata omits members that would be empty arrays",
	Quote: "Claims that return multiple values are represented as JSON arrays. Claims with zero elements MUST be omitted from the response.",
	Run:   runNoEmptyArrays,
}

func runNoEmptyArrays(ctx context.Context, t *suite.T) error {
	empty := metadoc.EmptyArrays(t.Target.Metadata.Raw)
	if len(empty) == 0 {
		return nil
	}
	err := expect.Fail(t.Target.MetadataResult, "no member with an empty array", strings.Join(empty, ": [], ")+": []",
		"the metadata has members with zero elements; clients read an empty list as \"nothing supported\"").
		WithFix("omit a member rather than sending an empty array")
	if len(empty) == 1 && empty[0] == "response_types_supported" {
		// A server without an authorization endpoint supports no response
		// type, yet §2 makes the member REQUIRED: the two rules collide.
		t.Logf("response_types_supported is both REQUIRED (§2) and, being empty, to be omitted (§3.2): reported as an observation")
		return expect.Observation(err)
	}
	return err
}

var multiValuedAsArrays = &suite.Check{
	ID: "rfc8414-3.2-multi-valued-as-arrays", Spec: suite.RFC8414, Section: "3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:       "The multi-valued metadata members of RFC 8414 §2 are JSON arrays of strings",
	Quote:       "Claims that return multiple values are represented as JSON arrays.",
	Keywordless: "RFC 8414 §3.2 states the representation in the indicative: a multi-valued member in another form is not the metadata clients parse",
	Run:         runMultiValuedAsArrays,
}

func runMultiValuedAsArrays(ctx context.Context, t *suite.T) error {
	bad := metadoc.NotStringArrays(t.Target.Metadata.Raw, arrayMembers)
	if len(bad) == 0 {
		return nil
	}
	return expect.Fail(t.Target.MetadataResult, "JSON arrays of strings", strings.Join(bad, "; "),
		"multi-valued metadata members are not JSON arrays of strings; clients cannot read them").
		WithFix(`send every multi-valued member as a JSON array, e.g. "response_modes_supported": ["query"]`)
}
