package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/server/store"
)

// The behaviours that reshape the client information responses of dynamic
// registration (RFC 7591 §3.2.1) and of the client configuration endpoint
// (RFC 7592 §3).

// registrationRules rewrite the responses of the registration endpoint.
func (s *Server) registrationRules() []rule {
	return append(s.clientInfoRules(),
		onFault(FaultRegisterNoSecret, clientInfo(func(ci *RegistrationResponse) { ci.ClientSecret = "" })),
		onFault(FaultRegisterNoClientID, clientInfo(func(ci *RegistrationResponse) { ci.ClientID = "" })),
		onFault(FaultRegister200, func(res *response) {
			if res.status == http.StatusCreated {
				res.status = http.StatusOK
			}
		}),
	)
}

// clientConfigRules rewrite the responses of the client configuration
// endpoint.
func (s *Server) clientConfigRules() []rule {
	return append(s.clientInfoRules(),
		onFault(FaultRegMgmtReadNoToken, clientInfo(func(ci *RegistrationResponse) { ci.RegistrationAccessToken = "" })),
		onFault(FaultRegMgmtReadOmitsMetadata, clientRead(func(res *response) {
			editBody(res, func(ci *RegistrationResponse) { ci.ClientMetadata = store.ClientMetadata{} })
		})),
		onFault(FaultRegMgmtReadNotJSON, clientRead(func(res *response) {
			res.header.Set("Content-Type", "text/plain; charset=utf-8")
			res.header.Del("Pragma")
		})),
		onFault(FaultRegMgmtNoChallenge, func(res *response) {
			if strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
				res.header.Del("WWW-Authenticate")
			}
		}),
		onFault(FaultRegMgmtDelete200, func(res *response) {
			if res.req.Method == http.MethodDelete && res.status == http.StatusNoContent {
				res.status = http.StatusOK
				res.header.Set("Content-Type", "application/json")
				res.body = []byte(`{"deleted":true}` + "\n")
			}
		}),
	)
}

// clientInfoRules rewrite every client information response: a
// registration's, a read's and an update's.
func (s *Server) clientInfoRules() []rule {
	return []rule{
		onFault(FaultNoSecretExpiresAt, clientInfo(func(ci *RegistrationResponse) { ci.ClientSecretExpiresAt = nil })),
		onFault(FaultRegisterNoEcho, clientInfo(func(ci *RegistrationResponse) { ci.ClientMetadata = store.ClientMetadata{} })),
		onFault(FaultRegMgmtRelativeURI, clientInfo(func(ci *RegistrationResponse) {
			if u, err := url.Parse(ci.RegistrationClientURI); err == nil {
				ci.RegistrationClientURI = u.RequestURI()
			}
		})),
		onFault(FaultRegisterJWKSBesideURI, func(res *response) {
			if isClientInfo(res) {
				res.editMembers(func(m map[string]any) {
					if _, ok := m["jwks_uri"]; ok {
						m["jwks"] = map[string]any{"keys": []any{}}
					}
				})
			}
		}),
		onFault(FaultRegisterNoCacheControl, func(res *response) {
			if isClientInfo(res) {
				res.header.Del("Cache-Control")
				res.header.Del("Pragma")
			}
		}),
	}
}

// isClientInfo reports whether res is a client information response.
func isClientInfo(res *response) bool {
	return (res.status == http.StatusOK || res.status == http.StatusCreated) && res.req.Method != http.MethodDelete && res.isJSON()
}

// clientInfo is a rule that changes client information responses.
func clientInfo(edit func(*RegistrationResponse)) func(*response) {
	return func(res *response) {
		if isClientInfo(res) {
			editBody(res, edit)
		}
	}
}

// clientRead applies a rule to the answers to client read requests
// (RFC 7592 §2.1).
func clientRead(apply func(*response)) func(*response) {
	return func(res *response) {
		if res.req.Method == http.MethodGet && isClientInfo(res) {
			apply(res)
		}
	}
}
