package rfc6750

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// securityChecks returns the checks of RFC 6750 §5.3, Summary of
// Recommendations.
func securityChecks() []*suite.Check {
	return []*suite.Check{shortLivedTokens}
}

var shortLivedTokens = &suite.Check{
	ID: "rfc6750-5.3-short-lived-tokens", Spec: suite.RFC6750, Section: "5.3", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode},
	Profiles: []vocab.Profile{vocab.ProfileCore},
	Title:    "Access tokens live one hour or less (expires_in <= 3600)",
	Quote:    "Token servers SHOULD issue short-lived (one hour or less) bearer tokens, particularly when issuing tokens to clients that run within a web browser or other environments where information leakage may occur.",
	Run:      runShortLivedTokens,
}

func runShortLivedTokens(ctx context.Context, t *suite.T) error {
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	secs, ok, err := lifetime(ts.ExpiresIn)
	if !ok {
		return suite.SkipErr("the token response has no expires_in: the lifetime is not known")
	}
	if err != nil {
		return expect.Fail(ts.Result, "expires_in as a number of seconds", fmt.Sprintf("%v", ts.ExpiresIn), "expires_in is not a number: %v", err)
	}
	if secs > maxLifetime {
		return expect.Fail(ts.Result, fmt.Sprintf("expires_in <= %d", maxLifetime), fmt.Sprintf("expires_in = %d", secs),
			"the access token lives longer than one hour").
			WithFix("issue access tokens for an hour or less and let clients use refresh tokens")
	}
	return nil
}

// maxLifetime is "one hour or less" (RFC 6750 §5.3).
const maxLifetime = 3600

// lifetime reads expires_in (a JSON number, or a numeric string as some
// servers send). ok is false when it is absent.
func lifetime(v any) (int64, bool, error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case float64:
		return int64(x), true, nil
	case json.Number:
		n, err := x.Int64()
		return n, true, err
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, true, err
	default:
		return 0, true, fmt.Errorf("%T", v)
	}
}
