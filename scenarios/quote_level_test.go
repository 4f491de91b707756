package scenarios_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/authspec/authspec/scenarios"
	"github.com/authspec/authspec/suite"
)

// keywords are the RFC 2119 / RFC 8174 words that carry each level, in
// capitals only (RFC 8174: "when, and only when, they appear in all
// capitals").
var keywords = map[suite.Level]*regexp.Regexp{
	suite.Must:      regexp.MustCompile(`\b(MUST|SHALL)\b(?:[^A-Z]|$)|\bREQUIRED\b`),
	suite.MustNot:   regexp.MustCompile(`\b(MUST|SHALL) NOT\b`),
	suite.Should:    regexp.MustCompile(`\bSHOULD\b(?: [^N]|[^ ]|$)|\bRECOMMENDED\b`),
	suite.ShouldNot: regexp.MustCompile(`\bSHOULD NOT\b|\bNOT RECOMMENDED\b`),
	suite.May:       regexp.MustCompile(`\bMAY\b|\bOPTIONAL\b`),
}

// TestQuoteHoldsLevelKeyword holds every check to the sentence it quotes: the
// quote carries the keyword of the check's level, or the check says, in
// Keywordless, why a statement written without one binds the server at that
// level (the reviewed list of keywordless normative statements is the set of
// catalog entries with a "keywordless" reason). A check whose level is not
// the keyword of its sentence misleads every user who gates on it.
func TestQuoteHoldsLevelKeyword(t *testing.T) {
	reg, err := scenarios.Registry()
	if err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for _, c := range reg.Checks() {
		if c.Spec == suite.OpenAPI {
			continue // judged by the contract, which has no keywords
		}
		re, ok := keywords[c.Level]
		if !ok {
			t.Errorf("%s: level %q has no keyword", c.ID, c.Level)
			continue
		}
		holds := re.MatchString(c.Quote) || strings.TrimSpace(c.Keywordless) != ""
		_, pending := levelReviewPending[c.ID]
		switch {
		case !holds && !pending:
			wrong = append(wrong, c.ID)
		case holds && pending:
			t.Errorf("%s now holds its keyword (or says why not): remove it from levelReviewPending", c.ID)
		}
	}
	for id := range levelReviewPending {
		if _, ok := reg.Get(id); !ok {
			t.Errorf("%s is in levelReviewPending but not in the catalog", id)
		}
	}
	sort.Strings(wrong)
	for _, id := range wrong {
		c, _ := reg.Get(id)
		t.Errorf("%s (%s): the quote holds no %s keyword and Keywordless gives no reason: %q", id, c.Level, c.Level, c.Quote)
	}
}

// levelReviewPending lists the checks whose quote does not yet hold the
// keyword of their level. It only shrinks.
var levelReviewPending = map[string]struct{}{
	"rfc6749-10.12-consent-not-by-get":                {},
	"rfc6749-2.3.1-basic-form-urldecoded":             {},
	"rfc6749-3.1-duplicate-parameters":                {},
	"rfc6749-3.2-form-encoded-body":                   {},
	"rfc6749-4.1.1-redirect-uri-optional-if-one":      {},
	"rfc6749-4.1.2.1-deny-access-denied":              {},
	"rfc6749-4.1.2.1-missing-response-type":           {},
	"rfc6749-4.1.2.1-unauthorized-client":             {},
	"rfc6749-4.1.2.1-unknown-scope-invalid-scope":     {},
	"rfc6749-4.1.3-code-bound-to-client":              {},
	"rfc6749-4.1.3-missing-code-invalid-request":      {},
	"rfc6749-4.1.3-redirect-uri-must-match":           {},
	"rfc6749-4.1.3-redirect-uri-required":             {},
	"rfc6749-4.1.3-unknown-code-invalid-grant":        {},
	"rfc6749-5.1-expires-in-seconds":                  {},
	"rfc6749-5.2-error-json":                          {},
	"rfc6749-5.2-missing-grant-type-invalid-request":  {},
	"rfc6749-5.2-unauthorized-client":                 {},
	"rfc6749-5.2-unknown-scope-invalid-scope":         {},
	"rfc6749-5.2-unsupported-grant-type":              {},
	"rfc6749-6-missing-refresh-token-invalid-request": {},
	"rfc6749-6-narrower-scope-granted":                {},
	"rfc6749-6-unknown-refresh-token-invalid-grant":   {},
	"rfc6750-2.1-scheme-case-insensitive":             {},
	"rfc6750-2.1-several-spaces-accepted":             {},
	"rfc8707-2-authorize-unknown-invalid-target":      {},
	"rfc8707-2-fragment-invalid-target":               {},
	"rfc8707-2-relative-invalid-target":               {},
	"rfc8707-2-token-fragment-invalid-target":         {},
	"rfc8707-2-token-unknown-invalid-target":          {},
	"rfc8707-2.2-refresh-unknown-invalid-target":      {},
	"rfc8707-2.2-token-resource-within-grant":         {},
	"rfc9700-2.1.1-pkce-required-public":              {},
	"rfc9700-4.1.3-no-redirect-patterns":              {},
	"rfc9700-4.14.2-replay-revokes-family":            {},
	"rfc9700-4.2.4-referrer-policy":                   {},
	"rfc9728-2-authorization-servers-have-metadata":   {},
	"rfc9728-2-authorization-servers-lists-issuer":    {},
	"rfc9728-2-bearer-methods-honoured":               {},
	"rfc9728-3.2-multi-valued-as-arrays":              {},
}
