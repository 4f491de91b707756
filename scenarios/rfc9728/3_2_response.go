package rfc9728

import (
	"context"
	"fmt"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/metadoc"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// responseChecks returns the checks of RFC 9728 §3.2, Protected Resource
// Metadata Response.
func responseChecks() []*suite.Check {
	return []*suite.Check{jsonContentType, noEmptyArrays, multiValuedASArrays}
}

var jsonContentType = &suite.Check{
	ID: "rfc9728-3.2-json-content-type", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The protected resource metadata is served as application/json",
	Quote: "A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type that contains a set of metadata parameters as its members that are a subset of the metadata parameters defined in Section 2.",
	Run:   runJSONContentType,
}

func runJSONContentType(ctx context.Context, t *suite.T) error {
	res := t.Target.ResourceMetadataResult
	if !metadoc.IsJSON(res) {
		return expect.Fail(res, "Content-Type: application/json", fmt.Sprintf("Content-Type: %q", res.Header.Get("Content-Type")),
			"the protected resource metadata is not declared as JSON").
			WithFix("serve the metadata with Content-Type: application/json")
	}
	return nil
}

var noEmptyArrays = &suite.Check{
	ID: "rfc9728-3.2-no-empty-arrays", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The protected resource metadata omits parameters with zero values (bearer_methods_supported excepted)",
	Quote: "Parameters with multiple values are represented as JSON arrays. Parameters with zero values MUST be omitted from the response.",
	Run:   runNoEmptyArrays,
}

func runNoEmptyArrays(ctx context.Context, t *suite.T) error {
	// §2 lets bearer_methods_supported be [] to say that no
	// bearer method is supported.
	empty := metadoc.EmptyArrays(t.Target.ResourceMetadata, "bearer_methods_supported")
	if len(empty) == 0 {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "no parameter with an empty array",
		strings.Join(empty, ": [], ")+": []", "the protected resource metadata has parameters with zero values").
		WithFix("omit a parameter rather than sending an empty array")
}

var multiValuedASArrays = &suite.Check{
	ID: "rfc9728-3.2-multi-valued-as-arrays", Spec: suite.RFC9728, Section: "3.2", Level: suite.Must,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "The multi-valued parameters of RFC 9728 §2 are JSON arrays of strings",
	Quote: "Parameters with multiple values are represented as JSON arrays.",
	Keywordless: "the wire format of the metadata response: §2 defines each of these parameters as a JSON array of strings, and a document that sends another JSON type " +
		"is not one a client can read as RFC 9728 metadata",
	Run: runMultiValuedASArrays,
}

func runMultiValuedASArrays(ctx context.Context, t *suite.T) error {
	bad := metadoc.NotStringArrays(t.Target.ResourceMetadata, arrayParams)
	if len(bad) == 0 {
		return nil
	}
	return expect.Fail(t.Target.ResourceMetadataResult, "JSON arrays of strings", strings.Join(bad, "; "),
		"multi-valued protected resource metadata parameters are not JSON arrays of strings; clients cannot read them").
		WithFix(`send every multi-valued parameter as a JSON array, e.g. "scopes_supported": ["read", "write"]`)
}

// arrayParams are the parameters RFC 9728 §2 defines as JSON arrays of
// strings.
var arrayParams = []string{
	"authorization_servers", "scopes_supported", "bearer_methods_supported",
	"resource_signing_alg_values_supported", "resource_encryption_alg_values_supported",
	"resource_encryption_enc_values_supported", "authorization_details_types_supported",
	"dpop_signing_alg_values_supported",
}
