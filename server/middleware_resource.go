package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The behaviours that reshape the demo protected resource's error
// responses: the RFC 6750 §3 Bearer challenge and its RFC 9728 §5.1
// resource_metadata parameter.
func (s *Server) resourceRules() []rule {
	return []rule{
		onVariant(VariantMCPEventStream, func(res *response) {
			// The JSON-RPC answer to a POST as one event of a stream.
			if res.req.Method == http.MethodPost && res.status == http.StatusOK && res.isJSON() {
				res.body = append(append([]byte("event: message\ndata: "), bytes.TrimSpace(res.body)...), "\n\n"...)
				res.header.Set("Content-Type", "text/event-stream")
				res.header.Set("Cache-Control", "no-cache")
			}
		}),
		onFault(FaultMCPPostNoChallenge, func(res *response) {
			if res.req.Method == http.MethodPost && res.req.Header.Get("Authorization") == "" {
				res.replace(http.StatusBadRequest, "bad request")
			}
		}),
		onFault(FaultResourceMetaChallengeToAS, editChallenge(func(c challenge) challenge {
			return c.set("resource_metadata", s.issuer.Scheme+"://"+s.issuer.Host+"/.well-known/oauth-authorization-server"+trimSlash(s.issuer.Path))
		})),
		onFault(FaultNoResourceMetadata, editChallenge(func(c challenge) challenge { return c.without("resource_metadata") })),
		onFault(FaultMCPPRMNotServed, editChallenge(func(c challenge) challenge { return c.without("resource_metadata") })),
		onFault(FaultBearerNoErrorCode, editChallenge(func(c challenge) challenge {
			if c.get("error") != "invalid_token" {
				return c
			}
			return c.without("error").without("error_description")
		})),
		onFault(FaultBearerUnsafeDescription, func(res *response) {
			desc := res.member("error_description")
			editChallenge(func(c challenge) challenge {
				if !c.has("error_description") {
					return c
				}
				return c.set("error_description", desc+` — see "https://authspec.invalid/errors"`)
			})(res)
		}),
		onFault(FaultResourceCacheable, func(res *response) {
			if res.status/100 == 2 {
				dropHeaders("Cache-Control")(res)
			}
		}),
		onFault(FaultMCPChallengeNoScope, editChallenge(func(c challenge) challenge { return c.without("scope") })),
		onFault(FaultMCPInvalidTokenNoMetadata, func(res *response) {
			if res.status == http.StatusUnauthorized && res.req.Header.Get("Authorization") != "" {
				editChallenge(func(c challenge) challenge { return c.without("resource_metadata") })(res)
			}
		}),
		onFault(FaultMCPScopeChallengeNoMetadata, func(res *response) {
			if res.status == http.StatusForbidden {
				editChallenge(func(c challenge) challenge { return c.without("resource_metadata") })(res)
			}
		}),
		onFault(FaultBearerRepeatedScope, editChallenge(func(c challenge) challenge {
			var out challenge
			for _, p := range c {
				if p.name != "scope" {
					out = append(out, p)
					continue
				}
				for _, sc := range strings.Fields(p.value) {
					out = append(out, authParam{"scope", sc})
				}
			}
			return out
		})),
		onFault(FaultBearerBareChallenge, func(res *response) {
			if res.member("error") == "unauthorized" && strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer ") {
				res.header.Set("WWW-Authenticate", "Bearer")
			}
		}),
		onFault(FaultBearerScopeNoChallenge, func(res *response) {
			if res.status == http.StatusForbidden && res.member("error") == "insufficient_scope" {
				res.header.Del("WWW-Authenticate")
			}
		}),
		onFault(FaultBearerNoChallenge, dropHeaders("WWW-Authenticate")),
		onVariant(VariantResourceMetadataCustomURL, editChallenge(func(c challenge) challenge {
			return c.set("resource_metadata", s.endpoint(customResourceMetadataPath))
		})),
		onVariant(VariantChallengeExtraParams, editChallenge(func(c challenge) challenge {
			var out challenge
			for _, p := range c {
				out = append(out, p)
				if p.name == "error_description" {
					out = append(out, authParam{"error_uri", "https://www.rfc-editor.org/rfc/rfc6750#section-3.1"})
				}
			}
			return append(out, authParam{"authorization_uri", s.endpoint("/authorize")})
		})),
		// The resource serves POST only: every GET, with or without a
		// token, is 405.
		onVariant(VariantResourceGet405, func(res *response) {
			if res.req.Method == http.MethodGet {
				res.replace(http.StatusMethodNotAllowed, "method not allowed")
			}
			if res.status == http.StatusMethodNotAllowed {
				res.header.Set("Allow", "POST")
			}
		}),
	}
}

// challenge is the list of auth-params of a Bearer challenge, in order.
type challenge []authParam

type authParam struct{ name, value string }

// parseChallenge reads a Bearer challenge as bearerChallenge writes it:
// "Bearer" and name="value" pairs separated by ", ".
func parseChallenge(h string) (challenge, bool) {
	rest, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, false
	}
	var c challenge
	for rest != "" {
		name, v, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, false
		}
		q, err := strconv.QuotedPrefix(v)
		if err != nil {
			return nil, false
		}
		value, err := strconv.Unquote(q)
		if err != nil {
			return nil, false
		}
		c = append(c, authParam{name, value})
		rest = strings.TrimPrefix(v[len(q):], ", ")
	}
	return c, true
}

func (c challenge) String() string {
	parts := make([]string, len(c))
	for i, p := range c {
		parts[i] = fmt.Sprintf("%s=%q", p.name, p.value)
	}
	return "Bearer " + strings.Join(parts, ", ")
}

func (c challenge) get(name string) string {
	for _, p := range c {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

func (c challenge) has(name string) bool {
	for _, p := range c {
		if p.name == name {
			return true
		}
	}
	return false
}

func (c challenge) set(name, value string) challenge {
	out := append(challenge(nil), c...)
	for i := range out {
		if out[i].name == name {
			out[i].value = value
		}
	}
	return out
}

func (c challenge) without(name string) challenge {
	var out challenge
	for _, p := range c {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

// editChallenge is a rule that changes the Bearer challenge of a response.
func editChallenge(edit func(challenge) challenge) func(*response) {
	return func(res *response) {
		if c, ok := parseChallenge(res.header.Get("WWW-Authenticate")); ok {
			res.header.Set("WWW-Authenticate", edit(c).String())
		}
	}
}
