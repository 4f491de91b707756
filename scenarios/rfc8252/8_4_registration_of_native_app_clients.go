package rfc8252

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// registrationChecks returns the checks of RFC 8252 §8.4, Registration of
// Native App Clients.
func registrationChecks() []*suite.Check {
	return []*suite.Check{loopbackPathExact, privateUseSchemePeriod}
}

var loopbackPathExact = &suite.Check{
	ID: "rfc8252-8.4-loopback-path-exact", Spec: suite.RFC8252, Section: "8.4", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A loopback redirect URI on another port must still match the registered path",
	Quote: "Authorization servers MUST require clients to register their complete redirect URI (including the path component) and reject authorization requests that specify " +
		"a redirect URI that doesn't exactly match the one that was registered; the exception is loopback redirects, where an exact match is required except for the port URI component.",
	Run: runLoopbackPathExact,
}

// runLoopbackPathExact sends a native app's loopback redirect URI with
// another port (which §7.3 frees) and another path (which stays bound).
func runLoopbackPathExact(ctx context.Context, t *suite.T) error {
	c, other, res, err := authorizeAtOtherPort(ctx, t, func(u *url.URL) { u.Path = strings.TrimSuffix(u.Path, "/") + "/elsewhere" })
	if err != nil {
		return err
	}
	if res.Param("code") != "" {
		return expect.Fail(res.LastResponse(), "no code for "+other.String(), "a code delivered to "+res.Callback.Redacted(),
			"a loopback redirect URI with another port and another path than the registered %s was accepted: only the port may differ", c.RedirectURI).
			WithFix("for http://127.0.0.1 and http://[::1] redirect URIs, ignore the port and compare everything else exactly")
	}
	if res.Callback == nil && res.Interactive {
		return needsPerson()
	}
	// Refused: it proves something only if the registered URI gets a code,
	// and so does the other port with the registered path.
	if _, err := t.CodeFor(ctx, c, nil); err != nil {
		return suite.SkipErr("the same request with the registered redirect URI gets no code either (%v), so the refusal says nothing about the path", err)
	}
	_, _, port, err := authorizeAtOtherPort(ctx, t, nil)
	if err != nil {
		return err
	}
	if port.Param("code") == "" {
		return suite.SkipErr("the other port with the registered path gets no code either (rfc8252-7.3-loopback-any-port judges that), so the refusal says nothing about the path")
	}
	return nil
}

// schemeWithoutPeriod is a private-use redirect URI whose scheme is not in
// reverse domain name form.
const schemeWithoutPeriod = "authspecapp:/oauth2redirect"

var privateUseSchemePeriod = &suite.Check{
	ID: "rfc8252-8.4-private-use-scheme-period", Spec: suite.RFC8252, Section: "8.4", Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureDCR, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A private-use redirect URI scheme without a period is rejected",
	Quote: "For private-use URI scheme-based redirects, authorization servers SHOULD enforce the requirement in Section 7.1 that clients use schemes that are reverse domain name based. " +
		"At a minimum, any private-use URI scheme that doesn't contain a period character (\".\") SHOULD be rejected.",
	Run: runPrivateUseSchemePeriod,
}

// runPrivateUseSchemePeriod registers a native app whose redirect URI has
// a private-use scheme without a period, once the same registration with a
// loopback redirect URI has shown that native apps register. The scheme
// may be rejected at registration (refused, or dropped from
// redirect_uris) or when it is used: a code sent to it is the finding.
func runPrivateUseSchemePeriod(ctx context.Context, t *suite.T) error {
	method := regclient.DefaultMethod(t)
	if slices.Contains(t.Target.Metadata.AuthMethods(), "none") {
		method = "none"
	}
	native := map[string]any{"application_type": "native", "client_name": "authspec native app"}
	if _, err := regclient.MustRegister(ctx, t, regclient.Metadata(t, method, native)); err != nil {
		return err
	}
	native["redirect_uris"] = []string{schemeWithoutPeriod}
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, method, native))
	if err != nil {
		return err
	}
	if !r.OK() || r.Client.ID == "" {
		t.Logf("the registration with %s was refused (HTTP %d%s)", schemeWithoutPeriod, r.Res.Status, expect.BodyHint(r.Res))
		return nil
	}
	if uris, _, _ := expect.StringList(r.Info, "redirect_uris"); !slices.Contains(uris, schemeWithoutPeriod) {
		t.Logf("the server registered the native app without %s (redirect_uris: %v)", schemeWithoutPeriod, uris)
		return nil
	}
	ar := t.NewAuthRequest(r.Client)
	ar.RedirectURI = schemeWithoutPeriod
	res, err := t.TryAuthorize(ctx, ar)
	if errors.Is(err, fixture.ErrRedirectNotFollowed) {
		return suite.SkipErr("the server registered %s, and the authorization went through the login pages in Chromium, which aborts a redirect to a private-use scheme without showing it (%v), so whether a code is delivered there cannot be seen", schemeWithoutPeriod, err)
	}
	if err != nil {
		return err
	}
	switch {
	case res.Param("code") != "":
		return expect.Fail(res.LastResponse(), "a refusal of the scheme authspecapp (no period: not a reverse domain name)", "a code delivered to "+res.Callback.Redacted(),
			"a native app registered a private-use scheme without a period and got a code there: any app on the device can claim such a scheme and receive the code").
			WithEvidence(r.Res.Exchange).
			WithFix("accept private-use redirect URI schemes only in reverse domain name form (com.example.app:/callback), and refuse others at registration with invalid_redirect_uri")
	case res.Callback != nil:
		return suite.SkipErr("the authorization request with %s came back with error=%s, so whether the scheme is rejected cannot be told", schemeWithoutPeriod, res.Param("error"))
	case res.Interactive:
		return needsPerson()
	}
	t.Logf("registered, but refused when used: the authorization request with %s got no redirect to it", schemeWithoutPeriod)
	return nil
}
