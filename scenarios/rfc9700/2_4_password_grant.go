package rfc9700

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/vocab"
)

// passwordGrantChecks returns the checks of RFC 9700 §2.4, Resource Owner
// Password Credentials Grant.
func passwordGrantChecks() []*suite.Check {
	return []*suite.Check{
		{
			ID: "rfc9700-2.4-no-password-grant", Spec: suite.RFC9700, Section: "2.4", Level: suite.MustNot,
			Requires: []vocab.Feature{vocab.FeatureConfidential}, Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileOAuth21},
			Title: "The token endpoint does not offer the resource owner password credentials grant",
			Quote: "The resource owner password credentials grant [RFC6749] MUST NOT be used.",
			Run:   runNoPasswordGrant,
		},
	}
}

func runNoPasswordGrant(ctx context.Context, t *suite.T) error {
	c, err := t.Confidential(ctx)
	if err != nil {
		return err
	}
	form := url.Values{"grant_type": {"password"}, "username": {"authspec-nobody"}, "password": {"authspec-" + fixture.RandomState()}}
	res, err := t.Token(ctx, c, form, "try the password grant with made-up credentials")
	if err != nil {
		return err
	}
	advertised := slices.Contains(t.Target.Metadata.GrantTypesSupported, "password")
	body, _ := expect.JSONObject(res, false)
	code, _ := body["error"].(string)
	switch {
	case res.Status == http.StatusOK:
		return expect.Fail(res, "error=unsupported_grant_type", "HTTP 200 with tokens",
			"the server issues tokens for a person's password sent by the client").
			WithFix("remove the password grant")
	case code == "unsupported_grant_type" || code == "unauthorized_client":
		if advertised {
			return expect.Fail(t.Target.MetadataResult, "grant_types_supported without password",
				"grant_types_supported lists password", "the metadata advertises a grant the token endpoint refuses").
				WithFix("remove password from grant_types_supported")
		}
		return nil
	default:
		return expect.Fail(res, "error=unsupported_grant_type", fmt.Sprintf("HTTP %d error=%q", res.Status, code),
			"the server judged the made-up credentials, so it runs the password grant").
			WithFix("remove the password grant")
	}
}
