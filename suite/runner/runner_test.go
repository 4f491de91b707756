package runner_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/runner"
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
	env, err := suite.Prepare(context.Background(), ts.URL, nil, suite.PrepareOptions{Timeout: time.Second})
	require.NoError(t, err)
	return env
}

func check(id string, level suite.Level, run func(context.Context, *suite.T) error) *suite.Check {
	return &suite.Check{ID: id, Spec: suite.RFC6749, Section: "1", Level: level, Title: id, Run: run, Profiles: []string{"core"}}
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
			Requires: []suite.Feature{suite.FeatureDCR}, Run: func(context.Context, *suite.T) error { return nil }},
	}
	var events atomic.Int32
	res := runner.Run(context.Background(), env, checks, runner.Options{Parallel: 3, CheckTimeout: 50 * time.Millisecond,
		OnEvent: func(runner.Event) { events.Add(1) }})
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
	b.Profiles = []string{"dcr"}
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
	assert.Equal(t, []string{"rfc7591-3-b"}, ids(runner.Selection{Profiles: []string{"dcr"}}))
	assert.Error(t, runner.Selection{Profiles: []string{"nope"}}.Validate(reg))
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
