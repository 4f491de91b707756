// Package contract reports how the target's responses compared with
// openapi.yaml, the HTTP contract of a compliant authorization server. Every
// response of every other check is validated as it arrives; these checks run
// last and report the violations per operation.
package contract

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/openapi"
	"github.com/authspec/authspec/suite/vocab"
)

// op is one contract area: the check's ID, its section (the operation id of
// openapi.yaml) and the operations whose responses it judges.
type op struct {
	checkID, id, title string
	operations         []string
}

var ops = []op{
	{"openapi-metadata-responses", "getAuthorizationServerMetadata", "The RFC 8414 metadata response matches the contract", []string{"getAuthorizationServerMetadata"}},
	{"openapi-token-responses", "token", "Every token endpoint response matches the contract (status, headers, JSON shape)", []string{"token", "tokenGet"}},
	{"openapi-registration-responses", "register", "Every registration response matches the contract", []string{"register", "registerGet"}},
	{"openapi-revocation-responses", "revoke", "Every revocation response matches the contract", []string{"revoke", "revokeGet"}},
	{"openapi-resource-responses", "resource", "Every protected resource response matches the contract (Bearer challenges)", []string{"resourceGet", "resourcePost"}},
}

// Checks returns one After check per contract area.
func Checks() []*suite.Check {
	var out []*suite.Check
	for _, o := range ops {
		o := o
		out = append(out, &suite.Check{
			ID: o.checkID, Spec: suite.OpenAPI, Section: o.id, Level: suite.Must,
			Profiles: []vocab.Profile{vocab.ProfileCore}, After: true,
			Title: o.title,
			Quote: "openapi.yaml: the HTTP contract every response of a compliant authorization server satisfies.",
			Run:   func(ctx context.Context, t *suite.T) error { return run(t, o) },
		})
	}
	return out
}

func run(t *suite.T, o op) error {
	if t.Contract == nil {
		return suite.SkipErr("contract checking is off")
	}
	seen := 0
	observed := t.Contract.Observed()
	for _, id := range o.operations {
		seen += observed[id]
	}
	if seen == 0 {
		return suite.SkipErr("no response of %s was observed during this run", strings.Join(o.operations, "/"))
	}
	var lines []string
	var ex []httpx.Exchange
	for _, v := range t.Contract.Violations() {
		if !slices.Contains(o.operations, v.Operation) {
			continue
		}
		lines = append(lines, v.String())
		if len(ex) < 10 {
			ex = append(ex, httpx.Exchange{Request: httpx.Request{Method: v.Method, URL: t.Transport.Redact(v.URL)},
				Response: &httpx.Response{Status: v.Status}, Note: "contract violation: " + v.Message})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	if len(lines) == seen && allNotFound(t.Contract.Violations(), o.operations) {
		// A resource indicator need not be a served URL (RFC 8707 §2):
		// nothing answers there, so there is no resource to judge.
		return suite.SkipErr("every %s response was HTTP 404: nothing is served at that URL, so there is no contract to judge", strings.Join(o.operations, "/"))
	}
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("… and %d more", len(lines)-20))
	}
	return &suite.Failure{
		Message:   fmt.Sprintf("%d of %d responses do not match the contract:\n%s", len(lines), seen, strings.Join(lines, "\n")),
		Want:      "responses as openapi.yaml describes them",
		Got:       lines[0],
		Fix:       "see the operation in openapi.yaml: documented statuses, required headers and JSON members",
		Exchanges: ex,
	}
}

func allNotFound(vs []openapi.Violation, ops []string) bool {
	for _, v := range vs {
		if slices.Contains(ops, v.Operation) && v.Status != http.StatusNotFound {
			return false
		}
	}
	return true
}
