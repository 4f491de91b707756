package rfc7591

import (
	"context"
	"fmt"
	"slices"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
)

// grantResponseTypeChecks returns the checks of RFC 7591 §2.1, Relationship
// between Grant Types and Response Types.
func grantResponseTypeChecks() []*suite.Check {
	return []*suite.Check{grantResponseConsistent}
}

var grantResponseConsistent = &suite.Check{
	ID: "rfc7591-2.1-grant-response-types-consistent", Spec: suite.RFC7591, Section: "2.1", Level: suite.Should,
	Requires: dcr, Profiles: profiles,
	Title: "A registration whose grant_types and response_types contradict each other is refused or corrected",
	Quote: "a server supporting these fields SHOULD take steps to ensure that a client cannot register itself into an inconsistent state, for example, by returning an \"invalid_client_metadata\" error response to an inconsistent registration request.",
	Run:   runGrantResponseConsistent,
}

func runGrantResponseConsistent(ctx context.Context, t *suite.T) error {
	// client_credentials with response type code is inconsistent (code goes
	// with authorization_code) yet uses only values the server supports;
	// without client_credentials, authorization_code with token (implicit's
	// response type) is inconsistent too.
	changes := map[string]any{"grant_types": []string{"authorization_code"}, "response_types": []string{"token"}}
	if slices.Contains(t.Target.Metadata.GrantTypes(), "client_credentials") {
		changes = map[string]any{"grant_types": []string{"client_credentials"}, "response_types": []string{"code"}}
	}
	r, err := register(ctx, t, changes)
	if err != nil {
		return err
	}
	res := r.Res
	if res.Status < 200 || res.Status >= 300 {
		if res.Status >= 500 {
			return expect.Fail(res, "HTTP 400 error=invalid_client_metadata", fmt.Sprintf("HTTP %d", res.Status), "the inconsistent registration caused a server error")
		}
		// Refused: as an RFC 7591 §3.2.2 error, not a redirect or a page.
		return expect.WithFix(expect.ErrorResponse(res), "refuse an inconsistent registration with HTTP 400 and a JSON error such as invalid_client_metadata (RFC 7591 §3.2.2)")
	}
	if r.Info == nil {
		_, err := expect.JSONObject(res, false)
		return err
	}
	gts, gPresent, _ := expect.StringList(r.Info, "grant_types")
	rts, rPresent, _ := expect.StringList(r.Info, "response_types")
	if !gPresent || !rPresent {
		t.Logf("the registration was accepted and the response does not state both grant_types and response_types; nothing contradicts")
		return nil
	}
	if why := inconsistency(gts, rts); why != "" {
		return expect.Fail(res, "HTTP 400 error=invalid_client_metadata, or a registration corrected to a consistent pair",
			fmt.Sprintf("HTTP %d registering grant_types %v with response_types %v", res.Status, gts, rts), "the server registered an inconsistent client: %s", why).
			WithFix("refuse registrations whose grant_types and response_types contradict each other (RFC 7591 §2.1 table) with invalid_client_metadata")
	}
	return nil
}

// inconsistency applies the table of RFC 7591 §2.1 and says what is wrong.
func inconsistency(gts, rts []string) string {
	pairs := [][2]string{{"authorization_code", "code"}, {"implicit", "token"}}
	for _, p := range pairs {
		hasG, hasR := slices.Contains(gts, p[0]), slices.Contains(rts, p[1])
		switch {
		case hasR && !hasG:
			return fmt.Sprintf("response type %q without grant type %q", p[1], p[0])
		case hasG && !hasR:
			return fmt.Sprintf("grant type %q without response type %q", p[0], p[1])
		}
	}
	return ""
}
