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
	"rfc6750-2.1-scheme-case-insensitive":               {},
	"rfc6750-2.1-several-spaces-accepted":               {},
	"rfc7009-2.1-access-token-revoked":                  {},
	"rfc7009-2.1-client-authentication":                 {},
	"rfc7009-2.1-foreign-token-not-revoked":             {},
	"rfc7009-2.1-refresh-token-revoked":                 {},
	"rfc7009-2.2-invalid-token-200":                     {},
	"rfc7591-2-defaults-registered":                     {},
	"rfc7591-3.2.1-201-created":                         {},
	"rfc7591-3.2.1-issued-at-seconds":                   {},
	"rfc7591-3.2.1-issued-credentials-work":             {},
	"rfc7591-3.2.1-no-secret-for-public":                {},
	"rfc7591-3.2.1-secret-for-confidential":             {},
	"rfc7592-2.3-deleted-client-unusable":               {},
	"rfc7636-4.1-verifier-charset":                      {},
	"rfc7636-4.1-verifier-padding":                      {},
	"rfc7636-4.1-verifier-syntax":                       {},
	"rfc7636-4.1-verifier-too-long":                     {},
	"rfc7636-4.2-challenge-syntax":                      {},
	"rfc7636-4.3-default-method-plain":                  {},
	"rfc7636-4.6-missing-verifier-refused":              {},
	"rfc7662-2.2-json-response":                         {},
	"rfc7662-2.2-numeric-dates":                         {},
	"rfc7662-2.3-invalid-client-401":                    {},
	"rfc8414-2-code-challenge-methods-honoured":         {},
	"rfc8414-2-code-challenge-methods-s256":             {},
	"rfc8414-2-grant-types-not-refused":                 {},
	"rfc8414-2-introspection-auth-methods-authenticate": {},
	"rfc8414-2-introspection-endpoint-introspects":      {},
	"rfc8414-2-registration-endpoint-registers":         {},
	"rfc8414-2-token-auth-methods-authenticate":         {},
	"rfc8414-3.2-multi-valued-as-arrays":                {},
	"rfc8707-2-authorize-unknown-invalid-target":        {},
	"rfc8707-2-fragment-invalid-target":                 {},
	"rfc8707-2-relative-invalid-target":                 {},
	"rfc8707-2-token-fragment-invalid-target":           {},
	"rfc8707-2-token-unknown-invalid-target":            {},
	"rfc8707-2.2-refresh-unknown-invalid-target":        {},
	"rfc8707-2.2-token-resource-within-grant":           {},
	"rfc9728-2-authorization-servers-have-metadata":     {},
	"rfc9728-2-authorization-servers-lists-issuer":      {},
	"rfc9728-2-bearer-methods-honoured":                 {},
	"rfc9728-3.2-multi-valued-as-arrays":                {},
}
