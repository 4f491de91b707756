package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// This file holds the RFC 7591 / RFC 7592 behaviour that depends on faults,
// kept apart so that the handlers in register.go read as the compliant path.

// registrationFaults adjusts a new client before it is stored and returns the
// client secret and registration access token to hand out.
func (s *Server) registrationFaults(ctx context.Context, c *store.Client, secret, regToken string) (string, string) {
	if s.fault(FaultRegisterClientIDReused) {
		// The client_id is derived from the redirect URIs, so a second
		// registration with the same URIs takes over the first one's ID.
		sum := sha256.Sum256([]byte(strings.Join(c.Metadata.RedirectURIs, "\n")))
		c.ID = "client-" + hex.EncodeToString(sum[:8])
		_ = s.store.DeleteClient(ctx, c.ID)
	}
	if secret != "" && s.fault(FaultRegisterSecretReused) {
		secret = "authspec-reference-shared-secret"
		c.SecretHash = store.Hash(secret)
	}
	if secret != "" && s.fault(FaultRegisterSecretUnusable) {
		c.SecretHash = store.Hash(secret + "-stale")
	}
	if secret == "" && s.fault(FaultRegisterSecretForPublic) {
		secret = randomToken() // handed out, never checked: the client stays public
	}
	if s.fault(FaultRegMgmtOtherClient) {
		// The token names its owner, and the owner is all that is checked.
		regToken = c.ID + "." + regToken
	}
	return secret, regToken
}

// registrationResponseFaults adjusts the response to a registration.
func (s *Server) registrationResponseFaults(resp *RegistrationResponse) {
	if s.fault(FaultRegisterNoSecret) {
		resp.ClientSecret = ""
	}
	if s.fault(FaultRegisterNoClientID) {
		resp.ClientID = ""
	}
}

// clientInfoFaults adjusts every client information response.
func (s *Server) clientInfoFaults(c *store.Client, resp *RegistrationResponse) {
	if s.fault(FaultRegisterIssuedAtMillis) {
		resp.ClientIDIssuedAt = c.IssuedAt.UnixMilli()
	}
	if s.fault(FaultRegMgmtRelativeURI) {
		if u, err := url.Parse(resp.RegistrationClientURI); err == nil {
			resp.RegistrationClientURI = u.RequestURI()
		}
	}
}

// registrationTokenFaults reports whether a fault lets tok manage any client.
func (s *Server) registrationTokenFaults(ctx context.Context, tok string) bool {
	if s.fault(FaultRegMgmtTokenUnchecked) {
		return true
	}
	if s.fault(FaultRegMgmtOtherClient) {
		owner, _, ok := strings.Cut(tok, ".")
		if !ok {
			return false
		}
		oc, err := s.getClient(ctx, owner)
		return err == nil && len(oc.RegistrationTokenHash) > 0 && store.EqualHash(oc.RegistrationTokenHash, tok)
	}
	return false
}

// unknownClientError is the answer for a client configuration request
// naming a client that does not exist: RFC 7592 §2.1-2.3 require 401.
func (s *Server) unknownClientError() *oautherr.Error {
	if s.fault(FaultRegMgmtDeletedNotFound) {
		e := oautherr.InvalidRequest("no such client")
		e.Code = "not_found"
		e.Status = http.StatusNotFound
		return e
	}
	return oautherr.InvalidToken("the registration access token is invalid")
}

// echoRegistrationToken puts the registration access token the client
// presented into a read or update response: RFC 7592 §3 makes
// registration_access_token REQUIRED in every client information response.
func (s *Server) echoRegistrationToken(r *http.Request, resp *RegistrationResponse) {
	if s.fault(FaultRegMgmtReadNoToken) {
		return
	}
	if tok, ok := bearerToken(r); ok {
		resp.RegistrationAccessToken = tok
	}
}

// readClient answers an RFC 7592 §2.1 client read request.
func (s *Server) readClient(w http.ResponseWriter, r *http.Request, c *store.Client) {
	info := s.clientInfo(c, "")
	s.echoRegistrationToken(r, info)
	if s.fault(FaultRegMgmtReadOmitsMetadata) {
		info.ClientMetadata = store.ClientMetadata{}
	}
	if s.fault(FaultRegMgmtReadNotJSON) {
		body, _ := json.Marshal(info)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	s.writeClientInfo(w, http.StatusOK, info)
}

// writeDeleted200 is the faulty answer to a delete request.
func writeDeleted200(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"deleted":true}` + "\n"))
}
