package rfc7592

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

// updateChecks returns the checks of RFC 7592 §2.2, Client Update Request.
func updateChecks() []*suite.Check {
	return []*suite.Check{
		updateReplaces, clientIDUnchanged, secretNotOverwritable, invalidUpdateRefused,
		updateInvalidTokenRefused, updateUnknownClient401,
	}
}

// update sends an RFC 7592 §2.2 update request built from info.
func update(ctx context.Context, t *suite.T, m *regclient.Managed, info, changes map[string]any, note string) (*httpx.Result, error) {
	return regclient.Call(ctx, t, http.MethodPut, m.URI, m.Token, regclient.UpdateBody(info, changes), note)
}

func altRedirect(redirect string) string {
	u, err := url.Parse(redirect)
	if err != nil {
		return redirect + "-updated"
	}
	u.Path += "/updated"
	return u.String()
}

var updateReplaces = &suite.Check{
	ID: "rfc7592-2.2-update-replaces", Spec: suite.RFC7592, Section: "2.2", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "An update answers 200 with the new metadata, and a later read returns it",
	Quote: "Valid values of client metadata fields in this request MUST replace, not augment, the values previously associated with this client. ... Upon successful update, the authorization server responds with an HTTP 200 OK message with content type \"application/json\" and a payload as described in Section 3.",
	Run:   runUpdateReplaces,
}

func runUpdateReplaces(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	newURI := altRedirect(t.RedirectURI())
	const newName = "authspec updated client"
	res, err := update(ctx, t, m, m.Info, map[string]any{"redirect_uris": []string{newURI}, "client_name": newName},
		"update the client: a new redirect URI and client_name")
	if err != nil {
		return err
	}
	if res.Status == http.StatusForbidden {
		return suite.SkipErr("the client may not update its record (HTTP 403, which RFC 7592 §2.2 prescribes for that case)")
	}
	if res.Status == http.StatusBadRequest {
		if code := expect.ErrorCode(res); code == "invalid_redirect_uri" || code == "invalid_client_metadata" {
			return suite.SkipErr("the server refused the new redirect URI %s (%s): which values are valid is its policy (RFC 7592 §2.2), and only valid values must replace the old ones", newURI, code)
		}
	}
	if err := expect.Status(res, http.StatusOK); err != nil {
		return expect.WithFix(err, "answer a valid update request (all metadata as returned, with new values) with 200 and the client information")
	}
	info, err := expect.JSONObject(res, true)
	if err != nil {
		return err
	}
	_, hadName := m.Info["client_name"]
	want := updated{uri: newURI, name: newName, checkName: hadName}
	if uris, _, _ := expect.StringList(info, "redirect_uris"); !slices.Contains(uris, newURI) && hadName && info["client_name"] == newName {
		// The name changed and the URI did not: the server replaced a
		// value it holds invalid ("MAY replace any invalid values with
		// suitable default values"); what it returned must be kept.
		t.Logf("the update took the new client_name but returned redirect_uris %v for the requested %s: a value the server's policy replaced (RFC 7592 §2.2)", uris, newURI)
		want.uri, want.replaced = "", uris
	}
	if err := want.shownIn(res, info, "the update response"); err != nil {
		return err
	}
	m.Follow(t, info)
	rres, rinfo, err := readOK(ctx, t, m, "read the client configuration after the update")
	if err != nil {
		return err
	}
	return expect.Evidence(expect.WithFix(want.shownIn(rres, rinfo, "a read after the update"),
		"store the updated metadata: a read after a successful update must return the new values"), res.Exchange)
}

// updated is what an update asked for, as the client's record must show it:
// the new redirect URI (replacing the old ones), or the URIs the server put
// in its place; and the new name, when the server keeps client_name.
type updated struct {
	uri       string
	replaced  []string
	name      string
	checkName bool
}

func (u updated) shownIn(res *httpx.Result, info map[string]any, where string) error {
	uris, _, _ := expect.StringList(info, "redirect_uris")
	switch {
	case u.uri == "" && !slices.Equal(uris, u.replaced):
		return expect.Fail(res, "redirect_uris "+expect.Describe(u.replaced)+" (as the update response returned them)", "redirect_uris: "+expect.Describe(info["redirect_uris"]),
			"%s does not show the redirect URIs the update returned", where)
	case u.uri != "" && !slices.Contains(uris, u.uri):
		return expect.Fail(res, "redirect_uris ["+u.uri+"]", "redirect_uris: "+expect.Describe(info["redirect_uris"]),
			"%s does not show the new redirect URI", where)
	case u.uri != "" && len(uris) != 1:
		return expect.Fail(res, "redirect_uris ["+u.uri+"] (replaced, not augmented)", "redirect_uris: "+expect.Describe(info["redirect_uris"]),
			"%s adds the new redirect URI to the old ones instead of replacing them", where)
	}
	if name, _ := info["client_name"].(string); u.checkName && name != u.name {
		return expect.Fail(res, fmt.Sprintf("client_name %q", u.name), "client_name: "+expect.Describe(info["client_name"]),
			"%s does not show the new client_name", where)
	}
	return nil
}

var clientIDUnchanged = &suite.Check{
	ID: "rfc7592-2.2-client-id-unchanged", Spec: suite.RFC7592, Section: "2.2", Level: suite.MustNot,
	Requires: mgmt, Profiles: profiles,
	Title: "An update naming another client_id does not change the client identifier",
	Quote: "The value of the \"client_id\" MUST NOT change from the initial registration response.",
	Run:   runClientIDUnchanged,
}

func runClientIDUnchanged(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	chosen := "authspec-chosen-client-id-" + m.Client.ID
	res, err := update(ctx, t, m, m.Info, map[string]any{"client_id": chosen}, "update the client with a client_id of the client's choosing")
	if err != nil {
		return err
	}
	fix := "refuse updates whose client_id differs from the issued one (RFC 7592 §2.2); the client identifier never changes"
	if res.Status >= 200 && res.Status < 300 {
		info, err := expect.JSONObject(res, false)
		if err != nil {
			return err
		}
		if id, _ := info["client_id"].(string); id != m.Client.ID {
			return expect.Fail(res, "client_id "+m.Client.ID+" (unchanged)", "client_id: "+expect.Describe(info["client_id"]),
				"the update changed the client identifier").
				WithFix(fix)
		}
		m.Follow(t, info)
	}
	rres, err := read(ctx, t, m, m.Token, "read the client under its original client_id")
	if err != nil {
		return err
	}
	if rres.Status == http.StatusForbidden {
		// RFC 7592 §2.1: "If the client does not have permission to read
		// its record, the server MUST return an HTTP 403 Forbidden."
		return suite.SkipErr("the server does not let the client read its record (HTTP 403, as RFC 7592 §2.1 allows), so whether it still exists under its client_id cannot be seen")
	}
	if rres.Status != http.StatusOK {
		return expect.Fail(rres, "HTTP 200: the client still exists under its client_id", regclient.Outcome(rres),
			"after an update naming another client_id, the original client is gone").
			WithFix(fix).
			WithEvidence(res.Exchange)
	}
	return nil
}

var secretNotOverwritable = &suite.Check{
	ID: "rfc7592-2.2-secret-not-overwritable", Spec: suite.RFC7592, Section: "2.2", Level: suite.MustNot,
	Requires: mgmt, Profiles: profiles,
	Title: "An update cannot set a client_secret chosen by the client",
	Quote: "If the client includes the \"client_secret\" field in the request, the value of this field MUST match the currently issued client secret for that client. The client MUST NOT be allowed to overwrite its existing client secret with its own chosen value.",
	Run:   runSecretNotOverwritable,
}

func runSecretNotOverwritable(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	if m.Client.Secret == "" {
		return suite.SkipErr("the registration issued no client_secret to overwrite")
	}
	// A made-up value, not a credential of the server's: it is not
	// registered for redaction.
	chosen := "authspec-chosen-secret-" + m.Client.ID
	res, err := update(ctx, t, m, m.Info, map[string]any{"client_secret": chosen}, "update the client with a client_secret of the client's choosing")
	if err != nil {
		return err
	}
	fix := "refuse updates whose client_secret differs from the issued one (invalid_client_metadata); secrets are generated by the server"
	if res.Status < 200 || res.Status >= 300 {
		return nil
	}
	info, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	if s, _ := info["client_secret"].(string); s == chosen {
		return expect.Fail(res, "the update refused, or the issued client_secret kept", "the client's chosen secret in the response",
			"the server adopted a client_secret chosen by the client").
			WithFix(fix)
	}
	c := *m.Client
	c.Secret = chosen
	ok, pres, err := regclient.Authenticates(ctx, t, &c, "authenticate with the client-chosen secret")
	if err != nil {
		return err
	}
	if ok {
		return expect.Fail(pres, "invalid_client for the client-chosen secret", regclient.Outcome(pres),
			"the token endpoint accepts the client_secret the client chose in its update").
			WithFix(fix).
			WithEvidence(res.Exchange)
	}
	return nil
}

var invalidUpdateRefused = &suite.Check{
	ID: "rfc7592-2.2-invalid-update-refused", Spec: suite.RFC7592, Section: "2.2", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "An update with an invalid redirect URI is refused (or replaced) like a registration",
	Quote: "If the client attempts to set an invalid metadata field and the authorization server does not set a default value, the authorization server responds with an error as described in [RFC7591]. ... For all metadata fields, the authorization server MAY replace any invalid values with suitable default values, and it MUST return any such fields to the client in the response.",
	Run:   runInvalidUpdateRefused,
}

func runInvalidUpdateRefused(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	bad := t.RedirectURI() + "#fragment"
	res, err := update(ctx, t, m, m.Info, map[string]any{"redirect_uris": []string{bad}}, "update the client with a redirect URI that has a fragment")
	if err != nil {
		return err
	}
	fix := "validate update requests like registrations: refuse a redirect URI with a fragment with error=invalid_redirect_uri"
	if res.Status < 200 || res.Status >= 300 {
		// The refusal is of the redirect URI only if the same update
		// with a valid one goes through.
		good, err := update(ctx, t, m, m.Info, map[string]any{"redirect_uris": []string{altRedirect(t.RedirectURI())}},
			"the same update with a valid redirect URI (control)")
		if err != nil {
			return err
		}
		if good.Status != http.StatusOK {
			return suite.SkipErr("the same update with a valid redirect URI is refused too (HTTP %d): nothing shows that the fragment is the reason", good.Status)
		}
		return expect.Evidence(expect.WithFix(expect.ErrorResponse(res, "invalid_redirect_uri", "invalid_client_metadata"), fix), good.Exchange)
	}
	info, err := expect.JSONObject(res, false)
	if err != nil {
		return err
	}
	if uris, _, _ := expect.StringList(info, "redirect_uris"); slices.Contains(uris, bad) {
		return expect.Fail(res, "HTTP 400 error=invalid_redirect_uri", "HTTP 200 registering "+bad,
			"the update registered a redirect URI with a fragment (RFC 6749 §3.1.2 forbids it)").
			WithFix(fix)
	}
	return nil
}

// hijackedName is the client_name an update with an invalid token tries
// to set.
const hijackedName = "authspec update with an invalid token"

var updateInvalidTokenRefused = &suite.Check{
	ID: "rfc7592-2.2-invalid-token-refused", Spec: suite.RFC7592, Section: "2.2", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "An update with an invalid registration access token is refused with an RFC 6750 error and changes nothing",
	Quote: "If the registration access token used to make this request is not valid, the server MUST respond with an error as described in the OAuth 2.0 Bearer Token Usage [RFC6750].",
	Run:   runUpdateInvalidTokenRefused,
}

func runUpdateInvalidTokenRefused(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodPut, m.URI, "authspec-invalid-registration-token",
		regclient.UpdateBody(m.Info, map[string]any{"client_name": hijackedName}), "update the client with an invalid registration access token")
	if err != nil {
		return err
	}
	if err := refusedToken(res, "with an invalid registration access token"); err != nil {
		return err
	}
	rres, rinfo, err := readOK(ctx, t, m, "read the client configuration with its own token after the refused update")
	if err != nil {
		return err
	}
	if name, _ := rinfo["client_name"].(string); name == hijackedName {
		return expect.Fail(rres, "the registration unchanged", fmt.Sprintf("client_name %q", name),
			"the update sent with an invalid registration access token was refused, yet applied").
			WithFix("check the registration access token before changing anything").
			WithEvidence(res.Exchange)
	}
	return nil
}

var updateUnknownClient401 = &suite.Check{
	ID: "rfc7592-2.2-unknown-client-401", Spec: suite.RFC7592, Section: "2.2", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "An update of a client that no longer exists answers 401",
	Quote: "If the client does not exist on this server, the server MUST respond with HTTP 401 Unauthorized, and the registration access token used to make this request SHOULD be immediately revoked.",
	Run:   runUpdateUnknownClient401,
}

func runUpdateUnknownClient401(ctx context.Context, t *suite.T) error {
	m, del, err := registerDeleted(ctx, t)
	if err != nil {
		return err
	}
	res, err := update(ctx, t, m, m.Info, nil, "update the deleted client with its registration access token")
	if err != nil {
		return err
	}
	return unknownClient401(res, del, "never 404, which tells an attacker which client_ids exist")
}
