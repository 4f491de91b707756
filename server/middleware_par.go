package server

import "net/http"

// The behaviours that reshape the responses of the PAR endpoint (RFC 9126
// §2.2).

// parRules rewrite successful PAR responses.
func (s *Server) parRules() []rule {
	return []rule{
		onFault(FaultPARWrongStatus, parResponse(func(res *response) { res.status = http.StatusOK })),
		onFault(FaultPARMissingExpiresIn, parResponse(deleteMember("expires_in"))),
	}
}

// parResponse applies a rule to successful PAR responses only.
func parResponse(apply func(*response)) func(*response) {
	return func(res *response) {
		if res.status == http.StatusCreated {
			apply(res)
		}
	}
}
