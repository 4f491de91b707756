package runner_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/vocab"
)

// fakeEnv discovers a minimal target (no registration endpoint).
func fakeEnv(t *testing.T) *suite.Env {
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "token_endpoint": base + "/token",
			"authorization_endpoint": base + "/authorize"})
	}))
	t.Cleanup(ts.Close)
	base = ts.URL
	env, err := suite.Prepare(context.Background(), ts.URL, nil, suite.PrepareOptions{Timeout: time.Minute}) // a safety net
	require.NoError(t, err)
	return env
}

func check(id string, level suite.Level, run func(context.Context, *suite.T) error) *suite.Check {
	return &suite.Check{ID: id, Spec: suite.RFC6749, Section: "1", Level: level, Title: id, Run: run, Profiles: []vocab.Profile{vocab.ProfileCore}}
}

func TestRun_Statuses(t *testing.T) {
	env := fakeEnv(t)
	checks := []*suite.Check{
		check("a-pass", suite.Must, func(context.Context, *suite.T) error { return nil }),
		check("b-fail", suite.Must, func(context.Context, *suite.T) error { return suite.Failf("broken") }),
		check("c-warn", suite.Should, func(context.Context, *suite.T) error { return suite.Failf("meh") }),
		check("d-skip", suite.Must, func(context.Context, *suite.T) error { return suite.SkipErr("not here") }),
		check("e-error", suite.Must, func(context.Context, *suite.T) error { return errors.New("boom") }),
		check("f-panic", suite.Must, func(context.Context, *suite.T) error { panic("bad check") }),
		check("g-timeout", suite.Must, func(ctx context.Context, _ *suite.T) error { <-ctx.Done(); return ctx.Err() }),
		{ID: "h-feature", Spec: suite.RFC7591, Section: "3", Level: suite.Must, Title: "x",
			Requires: []vocab.Feature{vocab.FeatureDCR}, Run: func(context.Context, *suite.T) error { return nil }},
	}
	var events atomic.Int32
	// The check timeout is a safety net for the checks that end by
	// themselves; the check that never ends meets a short one, alone.
	res := runner.Run(context.Background(), env, append(checks[:6:6], checks[7]), runner.Options{Parallel: 3, CheckTimeout: time.Minute,
		OnEvent: func(runner.Event) { events.Add(1) }})
	res = slices.Insert(res, 6, runner.Run(context.Background(), env, checks[6:7], runner.Options{CheckTimeout: 50 * time.Millisecond,
		OnEvent: func(runner.Event) { events.Add(1) }})...)
	want := []suite.Status{suite.Pass, suite.Fail, suite.Warn, suite.Skip, suite.Error, suite.Error, suite.Error, suite.Skip}
	for i, r := range res {
		assert.Equal(t, want[i], r.Status, "%s: %s", r.ID, r.Message)
	}
	assert.Contains(t, res[5].Message, "panicked")
	assert.Contains(t, res[6].Message, "did not finish")
	assert.Contains(t, res[7].Message, "registration_endpoint")
	assert.EqualValues(t, 2*len(checks), events.Load())
	s := runner.Summarize(res)
	assert.Equal(t, runner.Summary{Pass: 1, Fail: 1, Warn: 1, Skip: 2, Error: 3}, s)
}

func TestRun_AfterChecksRunLast(t *testing.T) {
	env := fakeEnv(t)
	var ran atomic.Int32
	checks := []*suite.Check{
		{ID: "a-after", Spec: suite.OpenAPI, Section: "x", Level: suite.Must, Title: "x", After: true,
			Run: func(context.Context, *suite.T) error {
				if ran.Load() != 2 {
					return suite.Failf("ran before the others")
				}
				return nil
			}},
		check("b-one", suite.Must, func(context.Context, *suite.T) error { time.Sleep(10 * time.Millisecond); ran.Add(1); return nil }),
		check("c-two", suite.Must, func(context.Context, *suite.T) error { ran.Add(1); return nil }),
	}
	res := runner.Run(context.Background(), env, checks, runner.Options{Parallel: 4})
	assert.Equal(t, suite.Pass, res[0].Status, res[0].Message)
}

func TestSelection(t *testing.T) {
	noop := func(context.Context, *suite.T) error { return nil }
	a := check("rfc6749-5.2-a", suite.Must, noop)
	b := check("rfc7591-3-b", suite.Must, noop)
	b.Profiles = []vocab.Profile{vocab.ProfileDCR}
	reg, err := suite.NewRegistry(a, b)
	require.NoError(t, err)
	ids := func(s runner.Selection) []string {
		var out []string
		for _, c := range s.Select(reg) {
			out = append(out, c.ID)
		}
		return out
	}
	assert.Equal(t, []string{"rfc6749-5.2-a"}, ids(runner.Selection{Only: []string{"rfc6749-*"}}))
	assert.Equal(t, []string{"rfc6749-5.2-a"}, ids(runner.Selection{Skip: []string{"rfc7591-*"}}))
	assert.Equal(t, []string{"rfc7591-3-b"}, ids(runner.Selection{Profiles: []vocab.Profile{vocab.ProfileDCR}}))
	assert.Error(t, runner.Selection{Profiles: []vocab.Profile{"nope"}}.Validate(reg))
	assert.Error(t, runner.Selection{Only: []string{"["}}.Validate(reg))
	_, err = suite.NewRegistry(a, a)
	assert.Error(t, err, "duplicate IDs are refused")
	_, err = suite.NewRegistry(&suite.Check{ID: "Bad ID"})
	assert.Error(t, err)
}

func TestRun_RedactsMessages(t *testing.T) {
	env := fakeEnv(t)
	env.Transport.AddSecret("s3cr3t-value")
	res := runner.Run(context.Background(), env, []*suite.Check{
		check("a-leak", suite.Must, func(context.Context, *suite.T) error {
			return &suite.Failure{Message: "body had s3cr3t-value", Want: "x", Got: `{"client_secret":"s3cr3t-value"}`}
		}),
	}, runner.Options{})
	assert.NotContains(t, res[0].Message+res[0].Got, "s3cr3t-value")
}

// TestRun_RedactsEveryTextOfAResult: a failing check that quotes a token
// response in its got line, message, log and attachments shows no token;
// nor does an earlier result quoting a token that a later check learnt.
func TestRun_RedactsEveryTextOfAResult(t *testing.T) {
	var base string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			_, _ = w.Write([]byte(`{"access_token":"live-at-0123456789","refresh_token":"live-rt-9876543210","token_type":"Bearer"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": base, "token_endpoint": base + "/token",
			"authorization_endpoint": base + "/authorize"})
	}))
	defer ts.Close()
	base = ts.URL
	env, err := suite.Prepare(context.Background(), ts.URL, nil, suite.PrepareOptions{Timeout: time.Second, NoContract: true})
	require.NoError(t, err)
	started := make(chan struct{})
	tokenFetched := make(chan struct{})
	checks := []*suite.Check{
		check("a-quotes-a-later-token", suite.Must, func(ctx context.Context, st *suite.T) error {
			close(started)
			<-tokenFetched
			return &suite.Failure{Message: "saw live-at-0123456789 somewhere"}
		}),
		check("b-got-line", suite.Must, func(ctx context.Context, st *suite.T) error {
			<-started
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/token", nil)
			res, err := st.HTTP.Do(ctx, req, "token request")
			if err != nil {
				return err
			}
			close(tokenFetched)
			body := string(res.Body)
			st.Logf("the server said %s", body)
			st.Attach(suite.Attachment{Name: "token live-rt-9876543210", ContentType: "text/plain", Data: res.Body, Text: body})
			return &suite.Failure{Message: "the refresh token live-rt-98765… was issued", Want: "HTTP 400",
				Got: "HTTP 200: " + body, Fix: "do not issue live-at-0123456789"}
		}),
	}
	res := runner.Run(context.Background(), env, checks, runner.Options{Parallel: 2, CheckTimeout: time.Minute}) // a safety net
	b, err := json.Marshal(res)
	require.NoError(t, err)
	for _, s := range []string{"live-at", "live-rt"} {
		assert.NotContains(t, string(b), s)
	}
	assert.Equal(t, suite.Fail, res[1].Status)
	assert.Contains(t, res[1].Got, `"token_type":"Bearer"`, "what is not a secret stays")
}

// TestRun_ClaimedOnly: a check with a Claim judges only a run that claims
// its profile; otherwise it is SKIP without running, and the reason names
// the config key and the flag that declare the claim.
func TestRun_ClaimedOnly(t *testing.T) {
	env := fakeEnv(t)
	var ran atomic.Int32
	c := &suite.Check{ID: "x-claimed", Spec: suite.OAuth21, Section: "4.1.1", Level: suite.Must, Title: "x",
		Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
		Run: func(context.Context, *suite.T) error { ran.Add(1); return suite.Failf("broken") }}
	res := runner.Run(context.Background(), env, []*suite.Check{c}, runner.Options{CheckTimeout: time.Minute})
	require.Len(t, res, 1)
	assert.Equal(t, suite.Skip, res[0].Status)
	assert.Contains(t, res[0].Message, "claims: [oauth2.1]")
	assert.Contains(t, res[0].Message, "--claim oauth2.1")
	p, ok := suite.ParseClaimReason(res[0].Message)
	assert.True(t, ok)
	assert.Equal(t, vocab.ProfileOAuth21, p)
	assert.Zero(t, ran.Load(), "an unclaimed check does not run")

	env.Claims = []vocab.Profile{vocab.ProfileOAuth21}
	res = runner.Run(context.Background(), env, []*suite.Check{c}, runner.Options{CheckTimeout: time.Minute})
	assert.Equal(t, suite.Fail, res[0].Status, res[0].Message)
	assert.EqualValues(t, 1, ran.Load())
}
