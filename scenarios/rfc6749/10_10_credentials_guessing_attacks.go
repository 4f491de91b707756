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
	return []*suite.Check{credentialsCanHold128Bits, credentialsEntropyEstimate}
}

var credentialsCanHold128Bits = &suite.Check{
	ID: "rfc6749-10.10-credentials-can-hold-128-bits", Spec: suite.RFC6749, Section: "10.10", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Authorization codes, access tokens and refresh tokens are long enough to hold 128 random bits",
	Quote: "The probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).",
	Run:   runCredentialsCanHold128Bits,
}

// runCredentialsCanHold128Bits bounds from above the entropy each value of
// a code flow can hold: its length times the bits of the smallest usual
// alphabet holding its characters. A value below 128 bits can be guessed
// with a probability above 2^(-128) whatever generates it; a value above
// may still be guessable (a counter, a timestamp), which only a review of
// the generator can tell, so it passes.
func runCredentialsCanHold128Bits(ctx context.Context, t *suite.T) error {
	g, res, err := t.RedeemNew(ctx, nil, nil)
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

// credentialKind is the distinct values of one kind, with the last
// exchange of this check that carried one, the evidence of a finding (nil
// when every value came from the other checks of the run).
type credentialKind struct {
	name     suite.IssuedKind
	values   []string
	seen     map[string]bool
	evidence *httpx.Result
}

func newKind(t *suite.T, k suite.IssuedKind) *credentialKind {
	c := &credentialKind{name: k, seen: map[string]bool{}}
	for _, v := range t.Issued.Values(k) {
		c.add(v, nil)
	}
	return c
}

// add keeps v when it is new: a server may hand out the same token again
// for the same grant, which says nothing of how it is generated.
func (k *credentialKind) add(v string, res *httpx.Result) {
	if v == "" || k.seen[v] {
		return
	}
	k.seen[v] = true
	k.values = append(k.values, v)
	if res != nil {
		k.evidence = res
	}
}

func (k *credentialKind) enough() bool { return len(k.values) >= entropySamples }

var credentialsEntropyEstimate = &suite.Check{
	ID: "rfc6749-10.10-credentials-entropy-estimate", Spec: suite.RFC6749, Section: "10.10", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "Codes, access tokens, refresh tokens, client secrets and registration access tokens vary in enough characters to hold 128 random bits",
	Quote: "The probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).",
	After: true,
	Run:   runCredentialsEntropyEstimate,
}

// runCredentialsEntropyEstimate estimates, from their variation, how much
// entropy the codes, access tokens, refresh tokens, client secrets and
// registration access tokens (RFC 7592 §5) the target issued can hold at
// most (entropyEstimate): a counter or a
// timestamp behind a fixed prefix is long, which
// rfc6749-10.10-credentials-can-hold-128-bits accepts, but varies in a few
// positions only. It runs after the other checks and judges what they were
// issued (Env.Issued, many flows, sessions and clients), and runs code
// flows and registrations of its own only for the kinds of which the run
// collected fewer than entropySamples values. An estimate above 128 bits
// passes: only a review of the generator proves randomness.
func runCredentialsEntropyEstimate(ctx context.Context, t *suite.T) error {
	kinds, cut, err := collectCredentials(ctx, t)
	if err != nil {
		return err
	}
	judged := 0
	for _, k := range kinds {
		if !k.enough() {
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

// collectCredentials starts from the values the run was issued and adds
// those of code flows of the confidential client, then of registrations
// when the target registers clients, until each kind has entropySamples.
// It stops early, cut, when the check's deadline would end the next step:
// code flows through a consent page may wait for one another.
func collectCredentials(ctx context.Context, t *suite.T) (kinds []*credentialKind, cut bool, err error) {
	codes, access, refresh := newKind(t, suite.IssuedCode), newKind(t, suite.IssuedAccessToken), newKind(t, suite.IssuedRefreshToken)
	kinds = []*credentialKind{codes, access, refresh}
	t.Logf("issued to the run's other checks: %d codes, %d access tokens, %d refresh tokens", len(codes.values), len(access.values), len(refresh.values))
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
	// Flows run while codes or access tokens are missing; refresh tokens
	// alone (a server may issue them to some grants only) do not keep
	// them going past entropySamples flows.
	for i := 0; i == 0 || !codes.enough() || !access.enough() || !refresh.enough() && i < entropySamples; i++ {
		if i >= 2*entropySamples {
			break
		}
		if stop("code flows") {
			return kinds, true, nil
		}
		// The first in a session of its own (a fresh login): a part of a
		// code bound to the session is no less unknown to an attacker
		// than a random one, and varies only from one session to
		// another, while the run's flows may all share one session.
		var fresh func(*fixture.AuthRequest)
		if i == 0 {
			fresh = func(r *fixture.AuthRequest) { r.Flow = fixture.FlowLogin }
		}
		start := time.Now()
		g, err := t.CodeFor(ctx, nil, fresh)
		if err != nil && fresh != nil && ctx.Err() == nil {
			t.Logf("no code from a fresh session (%v): the samples may all come from one session", err)
			continue
		}
		if err == nil {
			var res *httpx.Result
			if res, err = g.Redeem(ctx, nil); err == nil {
				longest = max(longest, time.Since(start))
				codes.add(g.Code, res)
				if ts, perr := t.ParseTokens(res); res.Status == http.StatusOK && perr == nil {
					access.add(ts.AccessToken, res)
					refresh.add(ts.RefreshToken, res)
				}
				continue
			}
		}
		if ctx.Err() != nil {
			t.Logf("code flows stopped at the check's deadline: %v", err)
			return kinds, true, nil
		}
		return nil, false, err
	}
	if ok, why := t.Target.Has(vocab.FeatureDCR); !ok {
		t.Logf("client secrets are not judged: %s", why)
		return kinds, false, nil
	}
	secrets, regTokens := newKind(t, suite.IssuedClientSecret), newKind(t, suite.IssuedRegistrationToken)
	kinds = append(kinds, secrets, regTokens)
	longest = 0
	for i := 0; (!secrets.enough() || !regTokens.enough()) && i < entropySamples; i++ {
		if stop("registrations") {
			return kinds, true, nil
		}
		start := time.Now()
		c, res, err := t.Register(ctx, fixture.DefaultMetadata(t.RedirectURI(), "client_secret_basic", t.Target.Metadata.GrantTypes()))
		if err != nil || c.Secret == "" && c.RegistrationAccessToken == "" {
			t.Logf("client secrets and registration access tokens are not judged: a registration gave neither (%v)", err)
			break
		}
		longest = max(longest, time.Since(start))
		secrets.add(c.Secret, res)
		regTokens.add(c.RegistrationAccessToken, res)
	}
	return kinds, false, nil
}

// collectMargin is the part of the check's deadline collectCredentials
// keeps beyond two steps.
const collectMargin = 5 * time.Second

// judgeEntropy fails k when the estimate of its values stays below 128
// bits.
func judgeEntropy(k *credentialKind) error {
	est := entropyEstimate(k.values)
	if est.bits >= 128 {
		return nil
	}
	from := "this check's flows"
	if k.evidence == nil {
		from = "the run's other checks"
	}
	why := fmt.Sprintf("the characters that change in the %s hold %.0f bits at most, fewer than the 128 a guess must face (a version 4 UUID, say, holds 122 random bits)", k.name, est.bits)
	if est.varying*2 < est.positions {
		why = fmt.Sprintf("the %s share all but a few characters: whatever their length, the part that changes is too small to be unguessable", k.name)
	}
	return expect.Fail(k.evidence, "at least 128 bits (RFC 6749 §10.10: a guess succeeds with probability 2^(-128) at most)",
		fmt.Sprintf("%.0f bits at most: %d of %d character positions changed across %d values issued to %s", est.bits, est.varying, est.positions, len(k.values), from),
		"%s", why).
		WithFix("generate codes, tokens and secrets from at least 128 bits (better 160) of a cryptographic random source, e.g. 32 random bytes in base64url (a UUID is not enough); never from a counter, a timestamp or a user's data")
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
