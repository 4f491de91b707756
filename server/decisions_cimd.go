package server

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/authspec/authspec/server/store"
)

// The decisions about Client ID Metadata Documents (the MCP authorization
// specification 2025-11-25) that deliberate behaviours change.

// allowRequestedRedirect adds the redirect URI a request names to the
// document's (fault only: only the document's redirect_uris are allowed).
func (s *Server) allowRequestedRedirect(c *store.Client, redirectURI string) {
	anyRedirect := s.fault(FaultCIMDRedirectUnchecked) || len(c.Metadata.RedirectURIs) == 0 && !s.documentRedirectURIsRequired()
	if anyRedirect && redirectURI != "" && !slices.Contains(c.Metadata.RedirectURIs, redirectURI) {
		c.Metadata.RedirectURIs = append(c.Metadata.RedirectURIs, redirectURI)
	}
}

// refusesDocumentClients reports whether every URL client_id is refused
// although the metadata advertises them (fault only).
func (s *Server) refusesDocumentClients() bool { return s.fault(FaultCIMDBroken) }

// followsDocumentRedirects reports whether a document is fetched through
// HTTP redirects (fault only).
func (s *Server) followsDocumentRedirects() bool { return s.fault(FaultCIMDFollowsRedirects) }

// checksDocumentClientID: the document's client_id is its URL.
func (s *Server) checksDocumentClientID() bool { return !s.fault(FaultCIMDClientIDUnchecked) }

// documentAuthMethodAccepted: a document's client authenticates with none
// (the document cannot carry a secret).
func (s *Server) documentAuthMethodAccepted(method string) bool {
	switch {
	case method == "" || method == authNone:
		return true
	case s.fault(FaultCIMDSecretMethodAllowed):
		return strings.HasPrefix(method, "client_secret_")
	}
	return false
}

// documentRedirectURIsRequired: a document lists the client's redirect
// URIs (fault: a document without them is accepted).
func (s *Server) documentRedirectURIsRequired() bool { return !s.fault(FaultCIMDRedirectURIsOptional) }

// documentJSON is the JSON text of a fetched document: the whole body,
// which must then be one JSON value (fault: the first value of the body,
// whatever follows it).
func (s *Server) documentJSON(body []byte) []byte {
	if !s.fault(FaultCIMDLenientJSON) {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var first json.RawMessage
	if dec.Decode(&first) != nil {
		return body
	}
	return first
}

// rememberDocumentFailure: a failed retrieval or an invalid document is not
// cached, the next request fetches the document again (fault: the failure
// is remembered as long as a document would be).
func (s *Server) rememberDocumentFailure(clientID string, err error, now time.Time) {
	if s.fault(FaultCIMDCachesFailures) {
		s.cimdFailures.put(clientID, err, now.Add(cimdMinTTL), now)
	}
}

// clientWithoutDocument is the client of a request whose document could
// not be retrieved: none, the request is aborted (fault: a public client
// made up from the client_id and the request's redirect_uri).
func (s *Server) clientWithoutDocument(clientID, redirectURI string, err error) *store.Client {
	if !s.fault(FaultCIMDFetchFailureIgnored) || err != errCIMDRetrieval || redirectURI == "" {
		return nil
	}
	return &store.Client{ID: clientID, IssuedAt: s.now(), Metadata: store.ClientMetadata{
		RedirectURIs: []string{redirectURI}, TokenEndpointAuthMethod: authNone,
		GrantTypes: []string{"authorization_code"}, ResponseTypes: []string{"code"},
	}}
}

// documentSizeLimit is the most a document may weigh: the draft's
// recommended 5 kilobytes (fault: 64 MiB, no limit worth the name).
func (s *Server) documentSizeLimit() int64 {
	if s.fault(FaultCIMDNoSizeLimit) {
		return 64 << 20
	}
	return cimdMaxBytes
}

// truncatesDocuments: a document larger than the limit is refused
// (variant: what was read within the limit is parsed).
func (s *Server) truncatesDocuments() bool { return s.variant(VariantCIMDReadTruncated) }

// checksClientIDURLForm: a client_id URL has a path, and no dot segments,
// fragment, username or password (fault: any URL is fetched).
func (s *Server) checksClientIDURLForm() bool { return !s.fault(FaultCIMDURLFormUnchecked) }

// refusesDocumentSecrets: a document carrying client_secret or
// client_secret_expires_at is refused (fault: the members are ignored).
func (s *Server) refusesDocumentSecrets() bool { return !s.fault(FaultCIMDClientSecretAccepted) }
