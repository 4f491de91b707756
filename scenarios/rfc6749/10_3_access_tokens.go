package rfc6749

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// accessTokenChecks returns the checks of RFC 6749 §10.3, Access Tokens.
func accessTokenChecks() []*suite.Check {
	return []*suite.Check{accessTokenIntegrity}
}

var accessTokenIntegrity = &suite.Check{
	ID: "rfc6749-10.3-access-token-integrity", Spec: suite.RFC6749, Section: "10.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "An access token altered in one character (for a JWT, a claim changed under the same signature) is refused",
	Quote: "The authorization server MUST ensure that access tokens cannot be generated, modified, or guessed to produce valid access tokens by unauthorized parties.",
	Run:   runAccessTokenIntegrity,
}

// runAccessTokenIntegrity presents altered copies of an access token that
// the resource (or introspection) accepts as issued: one character of its
// last part changed, and for a JWT its exp claim moved an hour later under
// the same signature. Either accepted is a token modified into a valid
// one.
func runAccessTokenIntegrity(ctx context.Context, t *suite.T) error {
	if ok, why := probe.CanProbe(t); !ok {
		return suite.SkipErr("%s", why)
	}
	ts, err := t.TokensFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	c := ts.Client
	active, base, err := probe.AccessTokenActive(ctx, t, c, ts.AccessToken)
	if err != nil {
		return err
	}
	if !active {
		return suite.SkipErr("the access token as issued is not accepted, so the refusal of an altered one says nothing")
	}
	for _, alt := range alteredTokens(ts.AccessToken) {
		t.AccessToken(alt.value)
		ok, res, err := probe.AccessTokenActive(ctx, t, c, alt.value)
		if err != nil {
			return err
		}
		if ok {
			return expect.Fail(res, "the altered token refused (HTTP 401 invalid_token, or active false)", "accepted",
				"an access token with %s is accepted: the token's integrity is not checked", alt.change).
				WithEvidence(base.Exchange).
				WithFix("look access tokens up by their whole value, or verify the signature of self-contained tokens over every byte before trusting a claim")
		}
	}
	return nil
}

// alteration is a changed copy of a token and what was changed.
type alteration struct{ value, change string }

// alteredTokens are the copies of tok runAccessTokenIntegrity presents.
func alteredTokens(tok string) []alteration {
	out := []alteration{{alterMiddleOfLastPart(tok), "one character of its last part changed"}}
	if v, ok := jwtLaterExp(tok); ok {
		out = append(out, alteration{v, "its exp claim an hour later and the signature kept"})
	}
	return out
}

// alterMiddleOfLastPart changes the character in the middle of the last
// "."-separated part of tok to another of its kind (digit, lower case
// letter, upper case letter), never to the same letter in the other case,
// which a case-insensitive encoding (hexadecimal) would read the same.
func alterMiddleOfLastPart(tok string) string {
	b := []byte(tok)
	start := strings.LastIndexByte(tok, '.') + 1
	for i := start + (len(b)-start)/2; i < len(b); i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'e', c >= 'A' && c <= 'E':
			b[i] = c + 1
			return string(b)
		case c == '9':
			b[i] = '0'
			return string(b)
		case c == 'f' || c == 'F':
			b[i] = c - 5
			return string(b)
		case c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z':
			b[i] = c - 1
			return string(b)
		}
	}
	return tok + "A"
}

// jwtLaterExp returns tok, a JWT with a numeric exp claim, with exp an
// hour later and header and signature unchanged.
func jwtLaterExp(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var claims map[string]any
	if json.Unmarshal(raw, &claims) != nil {
		return "", false
	}
	exp, ok := claims["exp"].(float64)
	if !ok {
		return "", false
	}
	claims["exp"] = int64(exp) + 3600
	out, err := json.Marshal(claims)
	if err != nil {
		return "", false
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(out)
	return strings.Join(parts, "."), true
}
