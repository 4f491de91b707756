package oauth21

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

const (
	secretBasic = "client_secret_basic"
	secretPost  = "client_secret_post"
)

// clientSecretChecks returns the checks of OAuth 2.1 §2.4.1, Client
// Secret.
func clientSecretChecks() []*suite.Check {
	return []*suite.Check{secretPostSupported}
}

var secretPostSupported = &suite.Check{
	ID: "oauth21-2.4.1-client-secret-post-supported", Spec: suite.OAuth21, Section: "2.4.1", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureConfidential},
	// RFC 6749 §2.3.1 makes the request body a MAY: only a
	// server that claims OAuth 2.1 must accept it.
	Profiles: []vocab.Profile{vocab.ProfileOAuth21}, Claim: vocab.ProfileOAuth21,
	Title: "A confidential client can authenticate with client_id and client_secret in the request body (client_secret_post)",
	Quote: "To support confidential clients in possession of a client secret, the authorization server MUST support the client including the client credentials in the request body content using the following parameters: ...",
	Run:   runSecretPostSupported,
}

// runSecretPostSupported authenticates the run's confidential client with
// its credentials in the body. A server may hold a client to the method it
// registered (RFC 7591 token_endpoint_auth_method), so when the body is
// refused from a client registered for HTTP Basic, whose Basic
// authentication works, the check asks for a client registered for
// client_secret_post (postRegistered).
func runSecretPostSupported(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	if c.Secret == "" || (c.AuthMethod != secretBasic && c.AuthMethod != secretPost) {
		return suite.SkipErr("the run's confidential client authenticates with %s, not with a client secret", c.AuthMethod)
	}
	post := *c
	post.AuthMethod = secretPost
	ok, refused, err := regclient.Authenticates(ctx, t, &post, "client_id and client_secret in the body")
	if err != nil || ok {
		return err
	}
	basic := *c
	basic.AuthMethod = secretBasic
	okBasic, _, err := regclient.Authenticates(ctx, t, &basic, "control: the same credentials with HTTP Basic")
	if err != nil {
		return err
	}
	if !okBasic {
		return suite.SkipErr("the confidential client's credentials are refused with HTTP Basic too (%s): authspec cannot tell a refused method from refused credentials", regclient.Outcome(refused))
	}
	if c.AuthMethod == secretPost {
		return bodyRefused(refused, "the client is configured for client_secret_post, and its credentials work with HTTP Basic but are refused in the body")
	}
	return postRegistered(ctx, t, refused)
}

// postRegistered judges a server that refused the body from a client
// registered for HTTP Basic: a client registered for client_secret_post
// must authenticate so. Without registration, the metadata says whether
// the server offers the method to any client.
func postRegistered(ctx context.Context, t *suite.T, refused *httpx.Result) error {
	if ok, _ := t.Target.Has(vocab.FeatureDCR); !ok {
		if slices.Contains(t.Target.Metadata.AuthMethods(), secretPost) {
			return suite.SkipErr("the server refuses the client_secret of a client registered for %s in the body, and may hold clients to their registered method; "+
				"configure a confidential client registered for client_secret_post (clients.confidential: { auth_method: client_secret_post })", secretBasic)
		}
		return bodyRefused(refused, "the body is refused and token_endpoint_auth_methods_supported does not offer client_secret_post")
	}
	r, err := regclient.Register(ctx, t, regclient.Metadata(t, secretPost, nil))
	if err != nil {
		return err
	}
	if !r.OK() {
		if r.Res.Status == http.StatusBadRequest && expect.ErrorCode(r.Res) == "invalid_client_metadata" {
			return bodyRefused(refused, "the body is refused, and so is the registration of a client with token_endpoint_auth_method client_secret_post").
				WithEvidence(r.Res.Exchange)
		}
		return suite.SkipErr("the body is refused from a client registered for %s, and registering a client for client_secret_post failed with HTTP %d%s: no client to try it with", secretBasic, r.Res.Status, expect.BodyHint(r.Res))
	}
	pc := r.Client
	if pc.AuthMethod != secretPost || pc.Secret == "" {
		return suite.SkipErr("the client registered for client_secret_post came back with token_endpoint_auth_method %q and %s", pc.AuthMethod, secretState(pc))
	}
	ok, res, err := regclient.Authenticates(ctx, t, pc, "a client registered for client_secret_post, with its credentials in the body")
	if err != nil || ok {
		return err
	}
	return bodyRefused(res, "a client registered for client_secret_post is refused when it sends its credentials in the body")
}

func secretState(c *fixture.Client) string {
	if c.Secret == "" {
		return "no client_secret"
	}
	return "a client_secret"
}

// bodyRefused is the failure of a server that refuses client credentials
// in the request body.
func bodyRefused(res *httpx.Result, why string) *suite.Failure {
	return expect.Fail(res, "the client authenticated (client_secret_post)", regclient.Outcome(res),
		"%s: OAuth 2.1 requires every server to accept client_id and client_secret in the request body from confidential clients", why).
		WithFix(fmt.Sprintf("accept %s at the token endpoint (and list it in token_endpoint_auth_methods_supported and in what registration allows)", secretPost))
}
