package server

import (
	"net/http"
	"strings"
)

// The behaviours that reshape the DPoP challenges of the demo protected
// resource (RFC 9449 §7.1, §7.2): the WWW-Authenticate DPoP challenge that
// dpopChallenge writes.
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
