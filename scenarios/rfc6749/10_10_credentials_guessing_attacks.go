package rfc6749

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// credentialsGuessingChecks returns the checks of RFC 6749 §10.10,
// Credentials-Guessing Attacks.
func credentialsGuessingChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc6749-10.10-credentials-can-hold-128-bits", Spec: suite.RFC6749, Section: "10.10", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Authorization codes, access tokens and refresh tokens are long enough to hold 128 random bits",
			Quote: "The probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).",
			Run:   runCredentialsCanHold128Bits,
		},
		{
			ID: "rfc6749-10.10-credentials-entropy-estimate", Spec: suite.RFC6749, Section: "10.10", Level: suite.Must,
			Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Codes, access tokens, refresh tokens and client secrets vary in enough characters to hold 128 random bits",
			Quote: "The probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).",
			Run:   runCredentialsEntropyEstimate,
		},
	}
}

// runCredentialsCanHold128Bits bounds from above the entropy each value of
// a code flow can hold: its length times the bits of the smallest usual
// alphabet holding its characters. A value below 128 bits can be guessed
// with a probability above 2^(-128) whatever generates it; a value above
// may still be guessable (a counter, a timestamp), which only a review of
// the generator can tell, so it passes.
func runCredentialsCanHold128Bits(ctx context.Context, t *suite.T) error {
	g, err := t.CodeFor(ctx, nil, nil)
	if err != nil {
		return err
	}
	res, err := g.Redeem(ctx, nil)
	if err != nil {
		return err
	}
	ts, err := t.ParseTokens(res)
	if err != nil {
		return err
	}
	for _, v := range []struct{ name, value string }{
		{"authorization code", g.Code}, {"access token", ts.AccessToken}, {"refresh token", ts.RefreshToken},
	} {
		if v.value == "" {
			continue
		}
		name, size := alphabetOf(v.value)
		if bits := float64(len(v.value)) * math.Log2(float64(size)); bits < 128 {
			return expect.Fail(res, "at least 128 bits of room (RFC 6749 §10.10: a guess succeeds with probability 2^(-128) at most)",
				fmt.Sprintf("%d characters of %s: %.0f bits at most", len(v.value), name, bits),
				"the %s is too short to be unguessable, however it is generated", v.name).
				WithFix("generate codes and tokens from at least 128 bits (better 160) of a cryptographic random source, e.g. 32 random bytes in base64url")
		}
	}
	return nil
}

// alphabetOf names the smallest usual alphabet holding every character of
// s, and its size: digits, hexadecimal, letters and digits, the
// characters of base64 and URLs, or printable ASCII; any other byte counts
// 8 bits.
func alphabetOf(s string) (string, int) {
	within := func(set string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune(set, r) }) < 0
	}
	const digits, lower, upper = "0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	switch {
	case within(digits):
		return "decimal digits", 10
	case within(digits+"abcdef") || within(digits+"ABCDEF"):
		return "hexadecimal digits", 16
	case within(digits + lower + upper):
		return "letters and digits", 62
	case within(digits + lower + upper + "-._~+/="):
		return "base64 and URL characters", 69
	case strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r > 0x7e }) < 0:
		return "printable ASCII", 95
	}
	return "bytes", 256
}

// entropySamples is how many values of each kind the estimate compares:
// a position of a random value takes the same character in all of them
// by chance with probability 16^-7 for hexadecimal, 10^-7 for digits.
const entropySamples = 8

// credentialKind is the values of one kind the run collected, with the
// last exchange that carried one, the evidence of a finding.
type credentialKind struct {
	name     string
	values   []string
	evidence *httpx.Result
}

func (k *credentialKind) add(v string, res *httpx.Result) {
	if v != "" {
		k.values = append(k.values, v)
		k.evidence = res
	}
}

// runCredentialsEntropyEstimate collects entropySamples codes, access
// tokens and refresh tokens of as many code flows, and as many client
// secrets from registrations when the target registers clients, and
// estimates from their variation how much entropy each kind can hold at
// most (entropyEstimate): a counter or a timestamp behind a fixed prefix
// is long, which rfc6749-10.10-credentials-can-hold-128-bits accepts, but
// varies in a few positions only. An estimate above 128 bits passes: only
// a review of the generator proves randomness.
func runCredentialsEntropyEstimate(ctx context.Context, t *suite.T) error {
	kinds, cut, err := collectCredentials(ctx, t)
	if err != nil {
		return err
	}
	judged := 0
	for _, k := range kinds {
		if len(k.values) < entropySamples {
			t.Logf("%s: %d values collected, %d needed for an estimate", k.name, len(k.values), entropySamples)
			continue
		}
		judged++
		if err := judgeEntropy(k); err != nil {
			return err
		}
	}
	if judged == 0 && cut {
		return suite.SkipErr("fewer than %d values of each kind were collected before the check's deadline (each code flow waits for the other checks' approvals of the same client); run it with a longer --check-timeout, or alone with --only %s", entropySamples, t.Check.ID)
	}
	if judged == 0 {
		return suite.SkipErr("fewer than %d values of each kind were collected", entropySamples)
	}
	return nil
}

// collectCredentials runs entropySamples code flows of the confidential
// client and, when the target registers clients, registers as many. It
// stops early, cut, when the check's deadline would end the next flow:
// code flows through a consent page wait for each other, and a run's
// flows can outlast --check-timeout without anything being wrong.
func collectCredentials(ctx context.Context, t *suite.T) (kinds []*credentialKind, cut bool, err error) {
	codes, access, refresh := &credentialKind{name: "authorization codes"}, &credentialKind{name: "access tokens"}, &credentialKind{name: "refresh tokens"}
	kinds = []*credentialKind{codes, access, refresh}
	var longest time.Duration
	// stop reports whether the deadline leaves too little for one more
	// step as long as the longest so far, and logs why.
	stop := func(what string) bool {
		dl, ok := ctx.Deadline()
		if !ok || time.Until(dl) > 2*longest+collectMargin {
			return false
		}
		t.Logf("%s stopped: %s of the check's deadline left, the longest step took %s", what, time.Until(dl).Round(time.Millisecond), longest.Round(time.Millisecond))
		return true
	}
	for i := range entropySamples + 1 {
		if stop("code flows") {
			return kinds, true, nil
		}
		// The last one in a session of its own (a fresh login): a part
		// bound to the session (a session identifier in the code) is no
		// less unknown to an attacker than a random one, and varies
		// only from one session to another.
		fresh := func(r *fixture.AuthRequest) { r.Flow = fixture.FlowLogin }
		if i < entropySamples {
			fresh = nil
		}
		start := time.Now()
		g, err := t.CodeFor(ctx, nil, fresh)
		if err != nil && ctx.Err() != nil {
			t.Logf("code flows stopped at the check's deadline: %v", err)
			return kinds, true, nil
		}
		if err != nil && fresh != nil {
			t.Logf("no code from a fresh session (%v): the samples all come from one session", err)
			break
		}
		if err != nil {
			return nil, false, err
		}
		res, err := g.Redeem(ctx, nil)
		if err != nil && ctx.Err() != nil {
			t.Logf("code flows stopped at the check's deadline: %v", err)
			return kinds, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		longest = max(longest, time.Since(start))
		codes.add(g.Code, res)
		if res.Status != http.StatusOK {
			continue
		}
		if ts, err := t.ParseTokens(res); err == nil {
			access.add(ts.AccessToken, res)
			refresh.add(ts.RefreshToken, res)
		}
	}
	if ok, why := t.Target.Has(vocab.FeatureDCR); !ok {
		t.Logf("client secrets are not judged: %s", why)
		return kinds, false, nil
	}
	secrets := &credentialKind{name: "client secrets"}
	kinds = append(kinds, secrets)
	longest = 0
	for range entropySamples {
		if stop("registrations") {
			return kinds, true, nil
		}
		start := time.Now()
		c, res, err := t.Register(ctx, fixture.DefaultMetadata(t.RedirectURI(), "client_secret_basic", t.Target.Metadata.GrantTypes()))
		if err != nil || c.Secret == "" {
			t.Logf("client secrets are not judged: a registration gave no secret (%v)", err)
			break
		}
		longest = max(longest, time.Since(start))
		secrets.add(c.Secret, res)
	}
	return kinds, false, nil
}

// collectMargin is the part of the check's deadline collectCredentials
// keeps beyond two steps.
const collectMargin = 5 * time.Second

// judgeEntropy fails k when its values repeat or their estimate stays
// below 128 bits.
func judgeEntropy(k *credentialKind) error {
	fix := "generate codes, tokens and secrets from at least 128 bits (better 160) of a cryptographic random source, e.g. 32 random bytes in base64url; never from a counter, a timestamp or a user's data"
	if i, j := firstRepeat(k.values); i >= 0 {
		return expect.Fail(k.evidence, "every value different", fmt.Sprintf("values %d and %d the same", i+1, j+1),
			"of %d %s, two are the same: they are not drawn from 128 random bits", len(k.values), k.name).WithFix(fix)
	}
	est := entropyEstimate(k.values)
	if est.bits >= 128 {
		return nil
	}
	return expect.Fail(k.evidence, "at least 128 bits (RFC 6749 §10.10: a guess succeeds with probability 2^(-128) at most)",
		fmt.Sprintf("%.0f bits at most: %d of %d character positions changed across %d values", est.bits, est.varying, est.positions, len(k.values)),
		"the %s share all but a few characters: whatever their length, the part that changes is too small to be unguessable", k.name).WithFix(fix)
}

func firstRepeat(values []string) (int, int) {
	seen := map[string]int{}
	for j, v := range values {
		if i, ok := seen[v]; ok {
			return i, j
		}
		seen[v] = j
	}
	return -1, -1
}

// estimate is what entropyEstimate found.
type estimate struct {
	bits               float64
	varying, positions int
}

// entropyEstimate bounds from above the entropy of values of one kind
// from their variation: a character position where every value has the
// same character holds none (a prefix, a version, the fixed part of a
// counter or a timestamp); a position that varies holds at most the bits
// of the smallest usual alphabet (alphabetOf) of the characters seen at
// varying positions. Values with the same number of dot-separated parts
// (JWTs) are compared part by part; the positions past the shortest value
// of a part count as varying.
func entropyEstimate(values []string) estimate {
	parts := make([][]string, len(values))
	for i, v := range values {
		parts[i] = strings.Split(v, ".")
	}
	sameShape := true
	for _, p := range parts {
		sameShape = sameShape && len(p) == len(parts[0])
	}
	if !sameShape {
		for i, v := range values {
			parts[i] = []string{v}
		}
	}
	var est estimate
	for j := range parts[0] {
		column := make([]string, len(parts))
		for i := range parts {
			column[i] = parts[i][j]
		}
		est.add(partEstimate(column))
	}
	return est
}

func (e *estimate) add(o estimate) {
	e.bits += o.bits
	e.varying += o.varying
	e.positions += o.positions
}

// partEstimate is entropyEstimate for values compared position by
// position.
func partEstimate(values []string) estimate {
	shortest, longest := len(values[0]), 0
	for _, v := range values {
		shortest, longest = min(shortest, len(v)), max(longest, len(v))
	}
	var seen strings.Builder
	est := estimate{positions: longest}
	for p := range longest {
		varies := p >= shortest
		for _, v := range values {
			varies = varies || v[p] != values[0][p]
		}
		if !varies {
			continue
		}
		est.varying++
		for _, v := range values {
			if p < len(v) {
				seen.WriteByte(v[p])
			}
		}
	}
	if est.varying > 0 {
		_, size := alphabetOf(seen.String())
		est.bits = float64(est.varying) * math.Log2(float64(size))
	}
	return est
}
