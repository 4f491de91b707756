package rfc7592

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// deleteChecks returns the checks of RFC 7592 §2.3, Client Delete Request.
func deleteChecks() []*suite.Check {
	return []*suite.Check{
		delete204, deletedClientUnusable, deletedClientNotAuthorized, deletedOr405,
		deleteInvalidTokenRefused, deleteUnknownClient401, tokensInvalidated,
	}
}

var delete204 = &suite.Check{
	ID: "rfc7592-2.3-delete-204", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "Deleting a client with its registration access token answers 204 No Content",
	Quote: "If a client has been successfully deprovisioned, the authorization server MUST respond with an HTTP 204 No Content message.",
	Run:   runDelete204,
}

func runDelete204(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return err
	}
	switch res.Status {
	case http.StatusMethodNotAllowed:
		return suite.SkipErr("the client configuration endpoint does not support DELETE (HTTP 405, which RFC 7592 §2.3 allows)")
	case http.StatusForbidden:
		return suite.SkipErr("the client may not delete itself (HTTP 403, which RFC 7592 §2.3 prescribes for that case)")
	}
	return expect.WithFix(expect.Status(res, http.StatusNoContent), "answer a successful delete with 204 No Content and no body")
}

var deletedClientUnusable = &suite.Check{
	ID: "rfc7592-2.3-deleted-client-unusable", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title:       "A deleted client can no longer authenticate at the token endpoint",
	Quote:       "A successful delete action will invalidate the \"client_id\", \"client_secret\", and \"registration_access_token\" for this client, thereby preventing the \"client_id\" from being used at either the authorization endpoint or token endpoint of the authorization server.",
	Keywordless: "RFC 7592 §2.3 states the effect of a successful delete in the indicative: the deleted client's credentials no longer work at the token endpoint",
	Run:         runDeletedClientUnusable,
}

func runDeletedClientUnusable(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	ok, _, err := regclient.Authenticates(ctx, t, m.Client, "before the delete: authenticate with the client's credentials")
	if err != nil {
		return err
	}
	if !ok {
		return suite.SkipErr("the token endpoint refuses the client's credentials even before the delete (see rfc7591-3.2.1-issued-credentials-work)")
	}
	del, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return err
	}
	if del.Status < 200 || del.Status >= 300 {
		return suite.SkipErr("deleting the client answered HTTP %d (see rfc7592-2.3-delete-204)", del.Status)
	}
	ok, res, err := regclient.Authenticates(ctx, t, m.Client, "after the delete: authenticate with the deleted client's credentials")
	if err != nil {
		return err
	}
	if ok {
		return expect.Fail(res, "HTTP 401 error=invalid_client", regclient.Outcome(res),
			"the token endpoint still authenticates a client that was deleted").
			WithFix("invalidate the client_id and client_secret when a client is deleted, and revoke its grants and tokens").
			WithEvidence(del.Exchange)
	}
	return nil
}

var deletedOr405 = &suite.Check{
	ID: "rfc7592-2.3-deleted-or-405", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "A DELETE either deletes the client or answers 405 (403 where the client may not delete itself)",
	Quote: "If the server does not support the delete method, the server MUST respond with HTTP 405 Not Supported.",
	Run:   runDeletedOr405,
}

// runDeletedOr405 deletes a fresh client and reads it back: a DELETE that
// answers 405 (delete not supported) or 403 (RFC 7592 §2.3: the client may
// not delete itself) needs nothing more; one that answers success must
// leave nothing to read.
func runDeletedOr405(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	del, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return err
	}
	switch {
	case del.Status == http.StatusMethodNotAllowed:
		t.Logf("the client configuration endpoint does not support DELETE (HTTP 405)")
		return nil
	case del.Status == http.StatusForbidden:
		t.Logf("the client may not delete itself (HTTP 403, which RFC 7592 §2.3 allows)")
		return nil
	case del.Status < 200 || del.Status >= 300:
		return suite.SkipErr("deleting the client answered HTTP %d%s, neither success nor 405; rfc7592-2.3-delete-204 judges it", del.Status, expect.BodyHint(del))
	}
	res, err := read(ctx, t, m, m.Token, "read the client's configuration after the delete")
	if err != nil {
		return err
	}
	if res.Status >= 200 && res.Status < 300 {
		return expect.Fail(res, "HTTP 401: the client is gone", regclient.Outcome(res),
			"the DELETE answered HTTP %d, yet the client still exists: a server that does not delete clients must answer 405", del.Status).
			WithFix("delete the client (and its credentials and tokens) on DELETE, or answer 405 when deletion is not supported").
			WithEvidence(del.Exchange)
	}
	return nil
}

var deleteInvalidTokenRefused = &suite.Check{
	ID: "rfc7592-2.3-invalid-token-refused", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "A DELETE with an invalid registration access token is refused with an RFC 6750 error and deletes nothing",
	Quote: "If the registration access token used to make this request is not valid, the server MUST respond with an error as described in the OAuth 2.0 Bearer Token Usage [RFC6750].",
	Run:   runDeleteInvalidTokenRefused,
}

func runDeleteInvalidTokenRefused(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, "authspec-invalid-registration-token", nil,
		"delete the client with an invalid registration access token")
	if err != nil {
		return err
	}
	if err := refusedToken(res, "with an invalid registration access token"); err != nil {
		return err
	}
	rres, err := read(ctx, t, m, m.Token, "read the client configuration with its own token after the refused delete")
	if err != nil {
		return err
	}
	switch {
	case rres.Status == http.StatusOK:
		return nil
	case rres.Status == http.StatusUnauthorized || rres.Status == http.StatusNotFound:
		return expect.Fail(rres, "HTTP 200: the client still exists", regclient.Outcome(rres),
			"the DELETE sent with an invalid registration access token was refused, yet the client is gone").
			WithFix("check the registration access token before deleting anything").
			WithEvidence(res.Exchange)
	}
	return suite.SkipErr("reading the client after the refused delete answered HTTP %d (see rfc7592-2.1-read-200)", rres.Status)
}

var deleteUnknownClient401 = &suite.Check{
	ID: "rfc7592-2.3-unknown-client-401", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: mgmt, Profiles: profiles,
	Title: "A DELETE of a client that no longer exists answers 401",
	Quote: "If the client does not exist on this server, the server MUST respond with HTTP 401 Unauthorized and the registration access token used to make this request SHOULD be immediately revoked, if possible.",
	Run:   runDeleteUnknownClient401,
}

func runDeleteUnknownClient401(ctx context.Context, t *suite.T) error {
	m, del, err := registerDeleted(ctx, t)
	if err != nil {
		return err
	}
	res, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the deleted client again with its registration access token")
	if err != nil {
		return err
	}
	return unknownClient401(res, del, "never 404 or a second 204, which tell an attacker which client_ids exist")
}

var tokensInvalidated = &suite.Check{
	ID: "rfc7592-2.3-tokens-invalidated", Spec: suite.RFC7592, Section: "2.3", Level: suite.Should,
	Requires: append([]vocab.Feature{vocab.FeatureAuthCode}, mgmt...), Profiles: profiles,
	Title: "Deleting a client ends its access tokens: the protected resource refuses them at once",
	Quote: "If possible, the authorization server SHOULD immediately invalidate all existing authorization grants and currently active access tokens, all refresh tokens, and all other tokens associated with this client.",
	Run:   runTokensInvalidated,
}

// runTokensInvalidated gets an access token for a fresh client, sees the
// resource accept it, deletes the client and calls the resource again. A
// token still accepted is judged only where the run says that the resource
// learns at once that a token ended (synchronous_revocation): elsewhere it
// may learn late (RFC 7009 §2.1), and a self-contained token cannot be
// ended before it expires ("If possible").
func runTokensInvalidated(ctx context.Context, t *suite.T) error {
	if t.Target.Resource == "" {
		return suite.SkipErr("no protected resource is configured to present the access token to (resource: in the config)")
	}
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	ts, err := t.TokensFor(ctx, m.Client, nil)
	if err != nil {
		return err
	}
	before, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with the client's access token (before the delete)")
	if err != nil {
		return err
	}
	if !probe.Accepted(before) {
		return suite.SkipErr("the protected resource does not accept the client's fresh access token (HTTP %d), so its refusal after the delete would say nothing", before.Status)
	}
	del, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return err
	}
	if del.Status < 200 || del.Status >= 300 {
		return suite.SkipErr("deleting the client answered HTTP %d (see rfc7592-2.3-delete-204)", del.Status)
	}
	res, err := probe.Call(ctx, t, t.Target.Resource, "Bearer "+ts.AccessToken, "call the protected resource with the deleted client's access token")
	if err != nil {
		return err
	}
	if probe.Accepted(res) && !t.Target.Config.SynchronousRevocation {
		return suite.SkipErr("the protected resource still accepts the deleted client's access token (HTTP %d), but it may learn late that a token ended (RFC 7009 §2.1 allows a propagation delay, and a self-contained token cannot be ended before it expires: the sentence says \"if possible\"); "+
			"set synchronous_revocation: true in the config if the resource refuses an ended token at once", res.Status)
	}
	if probe.Accepted(res) {
		return expect.Fail(res, "HTTP 401: the access token ended with its client", fmt.Sprintf("HTTP %d", res.Status),
			"the protected resource still accepts the access token of a client that was deleted").
			WithFix("when a client is deleted, revoke its grants, access tokens and refresh tokens").
			WithEvidence(before.Exchange, del.Exchange)
	}
	return nil
}

var deletedClientNotAuthorized = &suite.Check{
	ID: "rfc7592-2.3-deleted-client-not-authorized", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureAuthCode}, mgmt...), Profiles: profiles,
	Title:       "A deleted client gets no authorization code at the authorization endpoint",
	Quote:       "A successful delete action will invalidate the \"client_id\", \"client_secret\", and \"registration_access_token\" for this client, thereby preventing the \"client_id\" from being used at either the authorization endpoint or token endpoint of the authorization server.",
	Keywordless: "RFC 7592 §2.3 states the effect of a successful delete in the indicative: the deleted client_id no longer works at the authorization endpoint",
	Run:         runDeletedClientNotAuthorized,
}

// runDeletedClientNotAuthorized authorizes a fresh client (the baseline:
// a code), deletes it, and sends the same authorization request again.
func runDeletedClientNotAuthorized(ctx context.Context, t *suite.T) error {
	m, err := regclient.RegisterManaged(ctx, t, nil)
	if err != nil {
		return err
	}
	_, first, err := t.TryAuthorizeFor(ctx, m.Client, nil)
	if err != nil {
		return err
	}
	if first.Param("code") == "" {
		return suite.SkipErr("the client got no code even before the delete (%s), so a refusal after it would say nothing", first.ErrorCode())
	}
	del, err := regclient.Call(ctx, t, http.MethodDelete, m.URI, m.Token, nil, "delete the client (RFC 7592 §2.3)")
	if err != nil {
		return err
	}
	if del.Status < 200 || del.Status >= 300 {
		return suite.SkipErr("deleting the client answered HTTP %d (see rfc7592-2.3-delete-204)", del.Status)
	}
	again, err := t.AuthRequestFor(ctx, m.Client, nil)
	if err != nil {
		return err
	}
	res, err := t.TryAuthorize(ctx, again)
	if err != nil {
		return err
	}
	if res.Param("code") != "" {
		return expect.Fail(res.Last, "an error page: the client_id no longer exists", "a code delivered to "+res.Callback.Redacted(),
			"the authorization endpoint issued a code to a client that was deleted").
			WithFix("remove the client when it is deleted, so that the authorization endpoint treats its client_id as unknown").
			WithEvidence(del.Exchange)
	}
	return nil
}
