package rfc7592

import (
	"context"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// deleteChecks returns the checks of RFC 7592 §2.3, Client Delete Request.
func deleteChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc7592-2.3-delete-204", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
			Requires: mgmt, Profiles: profiles,
			Title: "Deleting a client with its registration access token answers 204 No Content",
			Quote: "If a client has been successfully deprovisioned, the authorization server MUST respond with an HTTP 204 No Content message.",
			Run:   runDelete204,
		},
		{
			ID: "rfc7592-2.3-deleted-client-unusable", Spec: suite.RFC7592, Section: "2.3", Level: suite.Must,
			Requires: mgmt, Profiles: profiles,
			Title:       "A deleted client can no longer authenticate at the token endpoint",
			Quote:       "A successful delete action will invalidate the \"client_id\", \"client_secret\", and \"registration_access_token\" for this client, thereby preventing the \"client_id\" from being used at either the authorization endpoint or token endpoint of the authorization server.",
			Keywordless: "RFC 7592 §2.3 states the effect of a successful delete in the indicative: the deleted client's credentials no longer work at the token endpoint",
			Run:         runDeletedClientUnusable,
		},
	}
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
	if res.Status == http.StatusMethodNotAllowed {
		return suite.SkipErr("the client configuration endpoint does not support DELETE (HTTP 405, which RFC 7592 §2.3 allows)")
	}
	return expect.WithFix(expect.Status(res, http.StatusNoContent), "answer a successful delete with 204 No Content and no body")
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
