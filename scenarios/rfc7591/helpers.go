package rfc7591

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// redirectCodes are the error codes a refused redirect URI may carry:
// invalid_redirect_uri is the one RFC 7591 §3.2.2 defines for it, and
// invalid_client_metadata is literally true as well.
var redirectCodes = []string{"invalid_redirect_uri", "invalid_client_metadata"}

var (
	dcr      = []vocab.Feature{vocab.FeatureDCR}
	profiles = []vocab.Profile{vocab.ProfileDCR}
)

// register sends the suite's default registration (a client_secret method
// the target supports, or none for a server of public clients only; the
// grants it supports) merged with changes (a nil value deletes a member).
func register(ctx context.Context, t *suite.T, changes map[string]any) (*regclient.Registration, error) {
	return regclient.Register(ctx, t, regclient.Metadata(t, regclient.DefaultMethod(t), changes))
}

// secretMethods need a client_secret at the token endpoint.
var secretMethods = []string{"client_secret_basic", "client_secret_post", "client_secret_jwt"}

// statedMethod is the token_endpoint_auth_method a response registers: the
// stated one, or the RFC 7591 §2 default when the member is absent.
func statedMethod(info map[string]any) (method string, stated bool) {
	if m, ok := info["token_endpoint_auth_method"].(string); ok && m != "" {
		return m, true
	}
	return "client_secret_basic", false
}

// refusedOrDropped judges a registration that should not register value
// in list member: refused with a 4xx OAuth error, or accepted with value
// replaced (RFC 7591 §3.2.1 lets the server substitute suitable values).
// codes are the error codes accepted for the refusal.
func refusedOrDropped(r *regclient.Registration, member, value string, codes ...string) error {
	res := r.Res
	if res.Status >= 200 && res.Status < 300 {
		if r.Info == nil {
			_, err := expect.JSONObject(res, false)
			return err
		}
		list, _, _ := expect.StringList(r.Info, member)
		if slices.Contains(list, value) {
			return expect.Fail(res, "HTTP 400 with error="+strings.Join(codes, " or "), fmt.Sprintf("HTTP %d registering %s %s", res.Status, member, expect.Describe(r.Info[member])),
				"the server registered %s %q", member, value)
		}
		return nil
	}
	return expect.ErrorResponse(res, codes...)
}
