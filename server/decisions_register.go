package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// The decisions of dynamic registration (RFC 7591) and of the client
// configuration endpoint (RFC 7592) that deliberate behaviours change.

// ignoresUnknownMetadata: RFC 7591 §2, the server MUST ignore client
// metadata it does not understand.
func (s *Server) ignoresUnknownMetadata() bool { return !s.fault(FaultRegisterUnknownFatal) }

// appliesMetadataDefaults: RFC 7591 §2 gives defaults to omitted
// token_endpoint_auth_method, grant_types and response_types.
func (s *Server) appliesMetadataDefaults() bool { return !s.fault(FaultRegisterNoDefaults) }

// checksAuthMethod: a token_endpoint_auth_method the server does not
// support is refused (RFC 7591 §3.2.2), not echoed.
func (s *Server) checksAuthMethod() bool { return !s.fault(FaultRegisterAuthMethodUnchecked) }

// checksTypesAgree: grant_types and response_types must be consistent
// (RFC 7591 §2.1).
func (s *Server) checksTypesAgree() bool { return !s.fault(FaultRegisterInconsistentTypes) }

// registersPublicClients: clients with token_endpoint_auth_method none may
// register (MCP clients are public clients).
func (s *Server) registersPublicClients() bool { return !s.fault(FaultMCPPublicDCRRefused) }

// requiresRedirectURIs: the authorization code grant needs redirect_uris
// (RFC 7591 §5).
func (s *Server) requiresRedirectURIs() bool { return !s.fault(FaultRegisterRedirectURIsOptional) }

// refusesRelativeRedirect: redirect URIs are absolute (RFC 6749 §3.1.2).
func (s *Server) refusesRelativeRedirect() bool { return !s.fault(FaultRegisterRelativeRedirect) }

// refusesRedirectFragment: redirect URIs carry no fragment (RFC 6749
// §3.1.2).
func (s *Server) refusesRedirectFragment() bool { return !s.fault(FaultRegisterFragment) }

// acceptsSchemeWithoutPeriod reports whether a private-use scheme that is
// not in reverse domain name form (no period) is registered (fault only:
// RFC 8252 §8.4 "any private-use URI scheme that doesn't contain a period
// character (".") SHOULD be rejected"); the web's own schemes never are.
func (s *Server) acceptsSchemeWithoutPeriod(scheme string) bool {
	return s.fault(FaultRegisterSchemeWithoutPeriod) && !browserSchemes[scheme] && !strings.Contains(scheme, ".")
}

// refusesHTTPRedirect: http redirect URIs only on loopback hosts (RFC 7591
// §5, RFC 8252 §7.3).
func (s *Server) refusesHTTPRedirect() bool { return !s.fault(FaultRegisterHTTPRedirect) }

// clientChosenID is the client_id a registration request chose, when it
// becomes the client's identifier (which RFC 9700 §4.15 warns against);
// "" otherwise.
func (s *Server) clientChosenID(raw map[string]json.RawMessage) string {
	var chosen string
	if v, ok := raw["client_id"]; ok && s.fault(FaultBCPClientChosenID) {
		_ = json.Unmarshal(v, &chosen)
	}
	return chosen
}

// reuseClientID gives the new client an identifier derived from its
// redirect URIs, taking over an earlier client's (fault only: RFC 7591
// §3.2.1 wants a unique client_id).
func (s *Server) reuseClientID(ctx context.Context, c *store.Client) {
	if !s.fault(FaultRegisterClientIDReused) {
		return
	}
	sum := sha256.Sum256([]byte(strings.Join(c.Metadata.RedirectURIs, "\n")))
	c.ID = "client-" + hex.EncodeToString(sum[:8])
	_ = s.store.DeleteClient(ctx, c.ID)
}

// issuedSecret is the client secret a new confidential client gets: a fresh
// random one, unless every client gets the same (fault only).
func (s *Server) issuedSecret() string {
	if s.fault(FaultRegisterSecretReused) {
		return "authspec-reference-shared-secret"
	}
	return s.newClientSecret()
}

// checkedSecret is the secret the token endpoint checks for a client issued
// secret: the same one, unless the response hands out another (fault
// only).
func (s *Server) checkedSecret(secret string) string {
	if s.fault(FaultRegisterSecretUnusable) {
		return secret + "-stale"
	}
	return secret
}

// publicClientSecret is the secret handed to a public client: none, unless
// it gets one that is never checked (fault only).
func (s *Server) publicClientSecret() string {
	if s.fault(FaultRegisterSecretForPublic) {
		return randomToken()
	}
	return ""
}

// issuedRegistrationToken is the registration access token of a new client:
// a random one, or one that names its owner, which is all that the faulty
// server then checks (FaultRegMgmtOtherClient), or with the fault
// registration-tokens-counter a counter behind a fixed prefix.
func (s *Server) issuedRegistrationToken(c *store.Client) string {
	switch {
	case s.fault(FaultRegMgmtOtherClient):
		return c.ID + "." + randomToken()
	case s.fault(FaultRegistrationTokensCounter):
		sum := sha256.Sum256([]byte(s.cfg.Issuer + "/register"))
		return hex.EncodeToString(sum[:22]) + fmt.Sprintf("%020d", s.regTokensIssued.Add(1))
	}
	return randomToken()
}

// registrableGrantTypes are the grant types a registration keeps of those
// asked for: all, or all but client_credentials, which only clients the
// operator configures may use (variant: RFC 7591 §3.2.1 lets the server
// replace requested metadata).
func (s *Server) registrableGrantTypes(gts []string) []string {
	if s.variant(VariantClientCredentialsRestricted) {
		return slices.DeleteFunc(gts, func(gt string) bool { return gt == "client_credentials" })
	}
	return gts
}

// secretExpiry is when a client secret issued at now expires: never (the
// zero time), or a day later (variant: RFC 7591 §3.2.1
// client_secret_expires_at).
func (s *Server) secretExpiry(now time.Time) time.Time {
	if s.variant(VariantSecretsExpire) {
		return now.Add(24 * time.Hour)
	}
	return time.Time{}
}

// rotateRegistrationToken gives c a new registration access token in
// answer to a read or an update, retiring the one used (variant: RFC 7592
// §3 lets the token of a client information response differ); by default
// the token stays.
func (s *Server) rotateRegistrationToken(ctx context.Context, c *store.Client, info *RegistrationResponse) *oautherr.Error {
	if !s.variant(VariantRegistrationTokenRotated) {
		return nil
	}
	tok := s.issuedRegistrationToken(c)
	c.RegistrationTokenHash = store.Hash(tok)
	if err := s.store.UpdateClient(ctx, c); err != nil {
		return oautherr.ServerError(fmt.Errorf("rotate registration access token: %w", err))
	}
	info.RegistrationAccessToken = tok
	return nil
}

// issuedAt is client_id_issued_at: seconds since the epoch (RFC 7591
// §3.2.1).
func (s *Server) issuedAt(c *store.Client) int64 {
	if s.fault(FaultRegisterIssuedAtMillis) {
		return c.IssuedAt.UnixMilli()
	}
	return c.IssuedAt.Unix()
}

// registrationTokenBypass reports whether tok manages any client although
// it is not the client's registration access token (faults only: RFC 7592
// §3 binds the token to its client).
func (s *Server) registrationTokenBypass(ctx context.Context, tok string) bool {
	if s.fault(FaultRegMgmtTokenUnchecked) {
		return true
	}
	if s.fault(FaultRegMgmtOtherClient) {
		// The token names its owner, and the owner is all that is checked.
		if owner, _, ok := strings.Cut(tok, "."); ok {
			oc, err := s.getClient(ctx, owner)
			if err == nil && len(oc.RegistrationTokenHash) > 0 && store.EqualHash(oc.RegistrationTokenHash, tok) {
				return true
			}
		}
	}
	if s.fault(FaultMCPForeignTokenAccepted) {
		t, err := s.store.GetToken(ctx, store.Hash(tok))
		return err == nil && t.Kind == store.AccessToken && t.Active(s.now())
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

// keepsClientID: an update may not change client_id (RFC 7592 §2.2).
func (s *Server) keepsClientID() bool { return !s.fault(FaultRegMgmtClientIDChange) }

// refusesChosenSecret: the client may not choose its secret (RFC 7592
// §2.2).
func (s *Server) refusesChosenSecret() bool { return !s.fault(FaultRegMgmtSecretOverwrite) }

// validatesUpdate: an update is validated as a registration is (RFC 7592
// §2.2).
func (s *Server) validatesUpdate() bool { return !s.fault(FaultRegMgmtUpdateUnvalidated) }

// storesUpdate: an update replaces the registered metadata (RFC 7592 §2.2).
func (s *Server) storesUpdate() bool { return !s.fault(FaultRegMgmtUpdateNotPersisted) }

// deletesClient: a delete request deletes the client (RFC 7592 §2.3).
func (s *Server) deletesClient() bool { return !s.fault(FaultRegMgmtDeleteNoop) }

// methodTokenBypass reports whether a client configuration request with
// method is served whatever bearer token it carries (faults only: RFC
// 7592 §2.2 and §2.3 require the registration access token of updates and
// deletes as of reads).
func (s *Server) methodTokenBypass(method string) bool {
	return method == http.MethodPut && s.fault(FaultRegMgmtUpdateTokenUnchecked) ||
		method == http.MethodDelete && s.fault(FaultRegMgmtDeleteTokenUnchecked)
}

// statementMetadata is the registration request's metadata with what its
// software_statement contributes: nothing, since the server trusts no
// statement signer and ignores the member (RFC 7591 §2); with the fault,
// the statement's claims, taken without checking its signature, override
// the request's members.
func (s *Server) statementMetadata(raw map[string]json.RawMessage) map[string]json.RawMessage {
	var stmt string
	if v, ok := raw["software_statement"]; !ok || !s.fault(FaultRegisterStatementUnverified) || json.Unmarshal(v, &stmt) != nil {
		return raw
	}
	parts := strings.Split(stmt, ".")
	if len(parts) != 3 {
		return raw
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return raw
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(payload, &claims) != nil {
		return raw
	}
	for k, v := range claims {
		if knownMetadata[k] {
			raw[k] = v
		}
	}
	return raw
}

// deleteClient deletes c with its codes, tokens and consents (RFC 7592
// §2.3: the server SHOULD invalidate the client's tokens at once); with the
// fault, the client is only disabled (its secret, registration access token
// and redirect URIs gone) and its tokens stay valid.
func (s *Server) deleteClient(ctx context.Context, c *store.Client) error {
	if !s.fault(FaultRegMgmtDeleteKeepsTokens) {
		return s.store.DeleteClient(ctx, c.ID)
	}
	disabled := *c
	disabled.SecretHash = store.Hash(randomToken())
	disabled.RegistrationTokenHash = nil
	disabled.Metadata.RedirectURIs = nil
	return s.store.UpdateClient(ctx, &disabled)
}

// nativeAppAuthMethod is the token_endpoint_auth_method a registration
// gets: the one asked for; with the fault, a native app (application_type
// native, RFC 8252) asking for none gets client_secret_basic, which RFC
// 8252 §8.5 recommends against.
func (s *Server) nativeAppAuthMethod(raw map[string]json.RawMessage, method string) string {
	var appType string
	if v, ok := raw["application_type"]; ok && s.fault(FaultRegisterNativeAppSecret) && json.Unmarshal(v, &appType) == nil && appType == "native" && method == authNone {
		return authBasic
	}
	return method
}

// refusesJWKSBesideURI reports whether a registration with both jwks_uri
// and jwks is refused (RFC 7591 §2: "The "jwks_uri" and "jwks" parameters
// MUST NOT both be present in the same request or response"); with the
// fault register-jwks-beside-uri it is kept, and answered with both.
func (s *Server) refusesJWKSBesideURI() bool { return !s.fault(FaultRegisterJWKSBesideURI) }
