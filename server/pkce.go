package server

import (
	"crypto/sha256"
	"encoding/base64"
	"sync"

	"github.com/authspec/authspec/server/oautherr"
)

// This file holds the RFC 7636 helpers of the authorization and token
// endpoints, and the deliberate PKCE defects of fault_pkce_bearer.go.

// challengeMethod resolves the code_challenge_method of an authorization
// request carrying a code_challenge: absent means plain (RFC 7636 §4.3).
func (s *Server) challengeMethod(method string) string {
	if method == "" {
		if s.fault(FaultPKCEDefaultS256) {
			return "S256"
		}
		return "plain"
	}
	if method != "S256" && method != "plain" && s.fault(FaultPKCEUnknownMethodS256) {
		return "S256"
	}
	return method
}

// validS256Challenge checks that an S256 challenge is BASE64URL of 32 bytes
// without padding: 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.2).
func (s *Server) validS256Challenge(challenge string) bool {
	if s.fault(FaultPKCEChallengeUnchecked) {
		return challenge != ""
	}
	if len(challenge) != 43 {
		return false
	}
	for i := 0; i < len(challenge); i++ {
		c := challenge[i]
		if !isUnreserved(c) || c == '.' || c == '~' {
			return false
		}
	}
	return true
}

// missingChallenge is the error for a public client without code_challenge
// (RFC 7636 §4.4.1).
func (s *Server) missingChallenge() *oautherr.Error {
	if s.fault(FaultPKCERequiredWrongError) {
		return oautherr.AccessDenied("PKCE is required for public clients")
	}
	return oautherr.InvalidRequest("PKCE is required: public clients must send code_challenge with code_challenge_method=S256")
}

// s256 is BASE64URL-ENCODE(SHA256(ASCII(verifier))) (RFC 7636 §4.2).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// latestChallenges backs FaultPKCEChallengePerClient: the last challenge each
// client sent, per server.
var latestChallenges sync.Map // challengeKey -> [2]string{challenge, method}

type challengeKey struct {
	s        *Server
	clientID string
}

// rememberChallenge records the client's latest challenge (fault only).
func (s *Server) rememberChallenge(req *authRequest) {
	if s.fault(FaultPKCEChallengePerClient) && req.codeChallenge != "" {
		latestChallenges.Store(challengeKey{s, req.clientID}, [2]string{req.codeChallenge, req.codeChallengeMethod})
	}
}

// echoChallenge adds the challenge to the authorization response (fault only;
// RFC 7636 §4.4 forbids exposing it).
func (s *Server) echoChallenge(req *authRequest, params map[string][]string) {
	if s.fault(FaultPKCEChallengeEchoed) && req.codeChallenge != "" {
		params["code_challenge"] = []string{req.codeChallenge}
	}
}
