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
var levelReviewPending = map[string]struct{}{}
