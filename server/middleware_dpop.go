package server

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// The behaviours that reshape DPoP answers (RFC 9449): the DPoP
// challenges of the demo protected resource (§7.1, §7.2), as dpopChallenge
// writes them, and the introspection of DPoP-bound tokens (§6.1, §6.2).

// dpopResourceRules reshape the resource's DPoP challenges.
func (s *Server) dpopResourceRules() []rule {
	return []rule{
		onFault(FaultDPoPChallengeNoError, editDPoPChallenge(func(c challenge) challenge {
			return c.without("error").without("error_description")
		})),
		onFault(FaultDPoPChallengeNoAlgs, editDPoPChallenge(func(c challenge) challenge { return c.without("algs") })),
		onFault(FaultDPoPErrorInBearerChallenge, func(res *response) {
			if rest, ok := strings.CutPrefix(res.header.Get("WWW-Authenticate"), "DPoP "); ok {
				res.header.Set("WWW-Authenticate", "Bearer "+rest)
			}
		}),
		onFault(FaultDPoPProxyAuthenticate, func(res *response) {
			if h := res.header.Get("WWW-Authenticate"); strings.HasPrefix(h, "DPoP ") && res.status == http.StatusUnauthorized {
				res.header.Set("Proxy-Authenticate", h)
			}
		}),
	}
}

// dpopIntrospectionRules reshape the introspection of DPoP-bound access
// tokens (RFC 9449 §6.1, §6.2).
func (s *Server) dpopIntrospectionRules() []rule {
	return []rule{
		onFault(FaultDPoPIntrospectionBearer, introspection(func(m map[string]any) {
			if _, ok := m["cnf"]; ok {
				m["token_type"] = "Bearer"
				delete(m, "cnf")
			}
		})),
		onFault(FaultDPoPCnfJKTHex, introspection(func(m map[string]any) {
			if cnf, ok := m["cnf"].(map[string]any); ok {
				if b, err := base64.RawURLEncoding.DecodeString(fmt.Sprint(cnf["jkt"])); err == nil {
					cnf["jkt"] = hex.EncodeToString(b)
				}
			}
		})),
	}
}

// editDPoPChallenge is a rule that changes the DPoP challenge of a
// response.
func editDPoPChallenge(edit func(challenge) challenge) func(*response) {
	return func(res *response) {
		rest, ok := strings.CutPrefix(res.header.Get("WWW-Authenticate"), "DPoP ")
		if !ok {
			return
		}
		if c, ok := parseChallenge("Bearer " + rest); ok {
			res.header.Set("WWW-Authenticate", strings.TrimSpace("DPoP "+strings.TrimPrefix(edit(c).String(), "Bearer ")))
		}
	}
}
