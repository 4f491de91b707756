// Package contract reports how the target's responses compared with
// openapi.yaml, the HTTP contract of a compliant authorization server. Every
// response of every other check is validated as it arrives; these checks run
// last and report the violations per operation.
//
// The contract is stricter than the RFCs: it is the reference server's
// answer to every request. A target fails only where a mismatch breaks an
// RFC requirement the contract records (a 401 without WWW-Authenticate, a
// token response without Cache-Control: no-store, an error that is not the
// JSON of RFC 6749 §5.2, ...); where only the contract fixes the answer
// (which status a GET of the token endpoint gets, a 405 from a resource
// that is no MCP server), the mismatch is logged, not judged.
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
// openapi.yaml), the operations whose responses it judges, and the RFC
// sentences by which it judges them.
type op struct {
	checkID, id, title string
	operations         []string
	quote              string
}

var ops = []op{
	{"openapi-metadata-responses", "getAuthorizationServerMetadata", "The RFC 8414 metadata response is a JSON object with the required members, as the contract records",
		[]string{"getAuthorizationServerMetadata"}, quoteMetadata},
	{"openapi-token-responses", "token", "Token endpoint responses meet the RFC requirements the contract records (no-store, JSON errors, challenges on 401)",
		[]string{"token", "tokenGet"}, quoteNoStore + " — " + quoteErrorJSON + " — " + quote401},
	{"openapi-registration-responses", "register", "Registration responses meet the RFC requirements the contract records (RFC 7591 response and error formats, challenges on 401)",
		[]string{"register", "registerGet"}, quoteRegistration + " — " + quote401},
	{"openapi-revocation-responses", "revoke", "Revocation responses meet the RFC requirements the contract records (JSON errors, challenges on 401)",
		[]string{"revoke", "revokeGet"}, quoteRevocationError + " — " + quoteErrorJSON + " — " + quote401},
	{"openapi-resource-responses", "resource", "Protected resource refusals carry the challenge RFC 6750 §3 requires, as the contract records",
		[]string{"resourceGet", "resourcePost"}, quoteChallenge + " — " + quote401},
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
			Quote: "openapi.yaml, judged where an RFC fixes the answer: " + o.quote,
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
	var all []openapi.Violation
	for _, v := range t.Contract.Violations() {
		if !slices.Contains(o.operations, v.Operation) {
			continue
		}
		if v.Operation == "getAuthorizationServerMetadata" && t.Target.MetadataURL != "" && v.URL != t.Target.MetadataURL {
			// A well-known URL discovery tried and did not use: a server
			// that publishes its metadata elsewhere (RFC 8414 §5, OpenID
			// discovery only) may answer anything there, a web app's
			// catch-all page included.
			t.Logf("not judged: %s answered at %s, which is not where the metadata was found (%s)", v.String(), v.URL, t.Target.MetadataURL)
			continue
		}
		all = append(all, v)
	}
	if len(all) > 0 && responses(all) == seen && allNotFound(all) {
		// A resource indicator need not be a served URL (RFC 8707 §2):
		// nothing answers there, so there is no resource to judge.
		return suite.SkipErr("every %s response was HTTP 404: nothing is served at that URL, so there is no contract to judge", strings.Join(o.operations, "/"))
	}
	var judged []openapi.Violation
	var bases []*basis
	var unjudged []openapi.Violation
	for _, v := range all {
		if b := basisOf(v); b != nil {
			judged, bases = append(judged, v), append(bases, b)
		} else {
			unjudged = append(unjudged, v)
		}
	}
	if len(unjudged) > 0 {
		t.Logf("%d of %d responses differ from openapi.yaml only where no RFC fixes the answer (%d mismatches, not judged):\n%s",
			responses(unjudged), seen, len(unjudged), listed(unjudged, nil))
	}
	if len(judged) == 0 {
		if undocumented := responses(ofKind(all, openapi.KindStatus)); undocumented >= seen {
			// No response came with a status the contract documents, so
			// none could be compared with it: no evidence either way.
			return suite.SkipErr("every %s response (%d) had a status openapi.yaml does not document, so none could be judged against the contract; the checks of each RFC judge those statuses",
				strings.Join(o.operations, "/"), seen)
		}
		return nil
	}
	return failure(t, judged, bases, seen)
}

// failure reports the violations that break an RFC requirement.
func failure(t *suite.T, judged []openapi.Violation, bases []*basis, seen int) error {
	var ex []httpx.Exchange
	var fixes []string
	for i, v := range judged {
		if len(ex) < 10 {
			ex = append(ex, httpx.Exchange{Request: httpx.Request{Method: v.Method, URL: t.Transport.Redact(v.URL)},
				Response: &httpx.Response{Status: v.Status}, Note: "contract violation (" + v.Auth + "): " + v.Message})
		}
		if !slices.Contains(fixes, bases[i].fix) {
			fixes = append(fixes, bases[i].fix)
		}
	}
	return &suite.Failure{
		Message: fmt.Sprintf("%d of %d responses break an RFC requirement that openapi.yaml records (%d mismatches):\n%s",
			responses(judged), seen, len(judged), listed(judged, bases)),
		Want:      "responses as the RFCs require them (see the check's quote)",
		Got:       judged[0].String() + " — " + bases[0].ref,
		Fix:       strings.Join(fixes, "; "),
		Exchanges: ex,
	}
}

// maxLines is how many violations a message lists.
const maxLines = 20

// listed renders violations one per line (with the RFC each breaks, when
// bases is given), at most maxLines, saying how many more there are.
func listed(vs []openapi.Violation, bases []*basis) string {
	var lines []string
	for i, v := range vs {
		if i == maxLines {
			lines = append(lines, fmt.Sprintf("… and %d more", len(vs)-maxLines))
			break
		}
		line := v.String()
		if bases != nil {
			line += " — " + bases[i].ref + ": " + bases[i].why
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// responses counts the distinct responses vs belong to.
func responses(vs []openapi.Violation) int {
	seen := map[int]bool{}
	for i, v := range vs {
		key := v.Response
		if key == 0 {
			key = -1 - i // outside a recorder: one response per violation
		}
		seen[key] = true
	}
	return len(seen)
}

// ofKind returns the violations of one kind.
func ofKind(vs []openapi.Violation, kind string) []openapi.Violation {
	var out []openapi.Violation
	for _, v := range vs {
		if v.Kind == kind {
			out = append(out, v)
		}
	}
	return out
}

func allNotFound(vs []openapi.Violation) bool {
	for _, v := range vs {
		if v.Status != http.StatusNotFound {
			return false
		}
	}
	return true
}
