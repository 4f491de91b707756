package server

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The behaviours that reshape token responses (RFC 6749 §5.1) and the
// OAuth error responses of every endpoint that answers in JSON (§5.2).

// tokenRules rewrite token responses, successful ones and errors.
func (s *Server) tokenRules() []rule {
	return []rule{
		onFault(FaultTokenTypeMissing, tokenResponse(func(res *response) {
			editBody(res, func(t *TokenResponse) { t.TokenType = "" })
		})),
		onFault(FaultTokenTypeUnregistered, tokenResponse(func(res *response) {
			editBody(res, func(t *TokenResponse) { t.TokenType = "JWT" })
		})),
		onFault(FaultTokenExpiresInString, tokenResponse(func(res *response) {
			res.editMembers(func(m map[string]any) {
				if n, ok := m["expires_in"].(json.Number); ok {
					m["expires_in"] = n.String()
				}
			})
		})),
		// RFC 6749 §3.3: the scope granted is reported when it differs
		// from the request's, as a default scope does.
		onFault(FaultTokenScopeOmitted, tokenResponse(func(res *response) {
			if form := res.form(); form.Get("grant_type") == "client_credentials" && form.Get("scope") == "" {
				editBody(res, func(t *TokenResponse) { t.Scope = "" })
			}
		})),
		onFault(FaultTokenInvalidGrant401, oauthError(func(res *response) {
			if res.member("error") == "invalid_grant" {
				res.status = http.StatusUnauthorized
			}
		})),
		onFault(FaultNoCacheControl, tokenResponse(dropHeaders("Cache-Control", "Pragma"))),
		onFault(FaultTokenNoPragma, tokenResponse(dropHeaders("Pragma"))),
		onVariant(VariantTokenTypeLowercase, tokenResponse(func(res *response) {
			editBody(res, func(t *TokenResponse) { t.TokenType = strings.ToLower(t.TokenType) })
		})),
		onVariant(VariantExpiresInOmitted, tokenResponse(deleteMember("expires_in"))),
		// RFC 6749 §5.1: scope is OPTIONAL when it is the scope requested:
		// the scope parameter of a client credentials or refresh request
		// (a refresh without scope asks for the original scope).
		onVariant(VariantScopeNoMemberWhenEqual, tokenResponse(func(res *response) {
			form := res.form()
			asked, sent := form.Get("scope"), form.Get("scope") != ""
			switch form.Get("grant_type") {
			case "client_credentials":
			case "refresh_token":
				sent = true
			default:
				return
			}
			editBody(res, func(t *TokenResponse) {
				if sent && (asked == "" || sameScope(asked, t.Scope)) {
					t.Scope = ""
				}
			})
		})),
	}
}

// sameScope reports whether two scope values hold the same scope tokens.
func sameScope(a, b string) bool { return scopeSubset(a, b) && scopeSubset(b, a) }

// tokenResponse applies a rule to successful responses only.
func tokenResponse(apply func(*response)) func(*response) {
	return func(res *response) {
		if res.status == http.StatusOK {
			apply(res)
		}
	}
}

// oauthErrorRules rewrite the JSON error responses that writeOAuthError
// writes (at the token, revocation, introspection, registration and client
// configuration endpoints, and the resource's internal errors).
func (s *Server) oauthErrorRules() []rule {
	return []rule{
		onVariant(VariantErrorDescriptionOmitted, oauthError(func(res *response) {
			res.editMembers(func(m map[string]any) { delete(m, "error_description") })
		})),
		onVariant(VariantInvalidClient400Post, oauthError(func(res *response) {
			if res.member("error") == "invalid_client" && s.invalidClientStatus(res.req) == http.StatusBadRequest {
				res.status = http.StatusBadRequest
				res.header.Del("WWW-Authenticate")
			}
		})),
		onFault(FaultInvalidClient400, oauthError(func(res *response) {
			if res.member("error") == "invalid_client" {
				res.status = http.StatusBadRequest
				res.header.Del("WWW-Authenticate")
			}
		})),
		onFault(FaultNoWWWAuthenticate, oauthError(func(res *response) {
			if res.member("error") == "invalid_client" {
				res.header.Del("WWW-Authenticate")
			}
		})),
		onFault(FaultErrorDescriptionUnsanitized, oauthError(func(res *response) {
			if res.member("error") == "unsupported_grant_type" {
				gt := res.form().Get("grant_type")
				res.editMembers(func(m map[string]any) { m["error_description"] = `grant_type "` + gt + `" is not supported` })
			}
		})),
		onFault(FaultDPoPNonceHeaderTwice, oauthError(func(res *response) {
			if n := res.header.Get("DPoP-Nonce"); n != "" && res.member("error") == "use_dpop_nonce" {
				res.header.Add("DPoP-Nonce", n)
			}
		})),
		onFault(FaultErrorNotJSON, oauthError(func(res *response) {
			m, _ := res.members()
			code, _ := m["error"].(string)
			desc, _ := m["error_description"].(string)
			res.header.Set("Content-Type", "text/plain; charset=utf-8")
			res.header.Del("Pragma")
			res.body = []byte(code + ": " + desc + "\n")
		})),
	}
}

// oauthError applies a rule to OAuth error responses: JSON with an error
// member and an error status, and without a Bearer challenge (RFC 6750
// errors keep their own form).
func oauthError(apply func(*response)) func(*response) {
	return func(res *response) {
		if res.status >= 400 && res.member("error") != "" &&
			!strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
			apply(res)
		}
	}
}
