package rfc6749

import (
	"context"
	"net/url"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/tokenreq"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// passwordRequestChecks returns the checks of RFC 6749 §4.3.2, Access
// Token Request (the resource owner password credentials grant).
func passwordRequestChecks() []*suite.Check {
	return []*suite.Check{passwordGrantAuthenticates}
}

var passwordGrantAuthenticates = &suite.Check{
	ID: "rfc6749-4.3.2-password-grant-authenticates", Spec: suite.RFC6749, Section: "4.3.2", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A server that serves the password grant refuses it without the client's secret, with a wrong one, or with a wrong password",
	Quote: "The authorization server MUST: o require client authentication for confidential clients or for any client that was issued client credentials (or with other authentication requirements), " +
		"o authenticate the client if client authentication is included, and o validate the resource owner password credentials using its existing password validation algorithm.",
	Run: runPasswordGrantAuthenticates,
}

// runPasswordGrantAuthenticates asks for tokens with grant_type=password
// and the username and password the browser recipe types (recipeLogin).
// A token endpoint that answers unsupported_grant_type does not serve the
// grant (RFC 9700 §2.4 says it must not be used) and is not concerned;
// one that issues tokens is then asked again without the client's secret,
// with a wrong secret and with a wrong password.
func runPasswordGrantAuthenticates(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := func(user, password string) url.Values {
		f := url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}}
		if len(t.Target.Config.Scopes) > 0 {
			f.Set("scope", strings.Join(t.Target.Config.Scopes, " "))
		}
		return f
	}
	user, password, ok := recipeLogin(t.Target.Config.Browser.Login)
	if !ok {
		user, password = "authspec-nobody", "authspec-not-a-password"
	}
	base, err := t.Token(ctx, c, form(user, password), "password grant (RFC 6749 §4.3.2) with the browser recipe's username and password")
	if err != nil {
		return err
	}
	switch {
	case expect.ErrorCode(base) == "unsupported_grant_type":
		t.Logf("the token endpoint does not serve the password grant")
		return nil
	case !ok:
		return suite.SkipErr("the token endpoint answered grant_type=password %s; the check needs the resource owner's username and password, "+
			"which it takes from the fill steps of browser.login (a field named user, login or email, and one named pass)", expect.Outcome(base))
	case !tokenreq.Issued(base):
		return suite.SkipErr("the password grant with the browser recipe's username and password was answered %s: there are no tokens to compare with", expect.Outcome(base))
	}
	wrong := *c
	wrong.Secret = c.Secret + "-authspec-wrong"
	t.Secret(wrong.Secret)
	for _, p := range []struct {
		client   *fixture.Client
		password string
		what     string
	}{
		{unauthenticated(c), password, "the confidential client's client_id without its secret"},
		{&wrong, password, "a wrong client secret"},
		{c, password + "-authspec-wrong", "a wrong password"},
	} {
		res, err := t.Token(ctx, p.client, form(user, p.password), "password grant with "+p.what)
		if err != nil {
			return err
		}
		if tokenreq.Issued(res) {
			return expect.Fail(res, "error=invalid_client (or invalid_grant for the password)", "HTTP 200 with tokens",
				"the password grant issued tokens to a request with %s", p.what).
				WithEvidence(base.Exchange).
				WithFix("authenticate the client and validate the resource owner's password before issuing tokens; better, stop serving the password grant (RFC 9700 §2.4)")
		}
	}
	return nil
}

// recipeLogin is the username and password the browser recipe's login
// steps fill in: the value of the step whose selector names a password
// field, and of the one naming a user, login or email field.
func recipeLogin(steps []target.Step) (user, password string, ok bool) {
	for _, s := range steps {
		sel := strings.ToLower(s.Fill)
		switch {
		case sel == "" || s.Value == "":
		case strings.Contains(sel, "pass"):
			password = s.Value
		case strings.Contains(sel, "user") || strings.Contains(sel, "login") || strings.Contains(sel, "email"):
			user = s.Value
		}
	}
	return user, password, user != "" && password != ""
}
