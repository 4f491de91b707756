package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/authspec/authspec/server/store"
)

// CIMDMode says whether clients may identify themselves with a Client ID
// Metadata Document (draft-ietf-oauth-client-id-metadata-document, used by
// the MCP authorization specification 2025-11-25): a client_id that is an
// https URL of a JSON document with the client's metadata.
type CIMDMode string

// CIMD modes.
const (
	// CIMDOn fetches https documents from public addresses only.
	CIMDOn CIMDMode = "on"
	// CIMDOff (default) treats URL client_ids as unknown clients and does
	// not advertise the feature.
	CIMDOff CIMDMode = "off"
	// CIMDLoopback fetches documents from loopback addresses only, over
	// http or https: for testing clients (and authspec) on one machine.
	CIMDLoopback CIMDMode = "loopback"
)

// Limits of document retrieval.
const (
	cimdMaxBytes = 5 << 10 // the draft suggests documents stay under 5 KiB
	cimdTimeout  = 5 * time.Second
)

func (s *Server) cimdEnabled() bool { return s.cimd == CIMDOn || s.cimd == CIMDLoopback }

// isURLClientID reports whether id has the form of a metadata document URL.
func isURLClientID(id string) bool {
	return strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://")
}

// cimdError is shown to the person: the client cannot be identified, so
// nothing is redirected (RFC 6749 §4.1.2.1).
type cimdError struct{ msg string }

func (e *cimdError) Error() string { return e.msg }

func cimdErrf(format string, args ...any) error { return &cimdError{msg: fmt.Sprintf(format, args...)} }

// authorizeClient finds the client of an authorization request: a
// registered one, or the client described by the metadata document its
// client_id points to (fetched anew on every authorization request and
// stored so that the token endpoint knows it).
func (s *Server) authorizeClient(ctx context.Context, clientID string, redirectURI string) (*store.Client, error) {
	if !s.cimdEnabled() || !isURLClientID(clientID) {
		return s.store.GetClient(ctx, clientID)
	}
	c, err := s.fetchClientMetadata(ctx, clientID, redirectURI)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetClient(ctx, c.ID); errors.Is(err, store.ErrNotFound) {
		if err := s.store.CreateClient(ctx, c); err != nil {
			return nil, fmt.Errorf("store the client of %s: %w", clientID, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("get client %s: %w", clientID, err)
	} else if err := s.store.UpdateClient(ctx, c); err != nil {
		return nil, fmt.Errorf("update the client of %s: %w", clientID, err)
	}
	return c, nil
}

// checkCIMDURL applies the draft's rules on the client_id URL.
func (s *Server) checkCIMDURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, cimdErrf("The client_id %q is not a valid URL.", raw)
	}
	switch {
	case u.User != nil:
		return nil, cimdErrf("A client_id URL must not contain a username or password.")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, cimdErrf("A client_id URL must not contain a fragment.")
	case u.Path == "" || u.Path == "/":
		return nil, cimdErrf("A client_id URL must contain a path.")
	case slices.ContainsFunc(strings.Split(u.Path, "/"), func(seg string) bool { return seg == "." || seg == ".." }):
		return nil, cimdErrf("A client_id URL must not contain dot segments.")
	}
	host := u.Hostname()
	loopback := isLoopbackHost(host)
	switch s.cimd {
	case CIMDLoopback:
		if !loopback {
			return nil, cimdErrf("This server only fetches client metadata documents from loopback addresses (it runs with --cimd loopback).")
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, cimdErrf("A client_id URL must use https.")
		}
	default:
		if u.Scheme != "https" {
			return nil, cimdErrf("A client_id URL must use the https scheme.")
		}
		if loopback {
			return nil, cimdErrf("Client metadata documents are not fetched from loopback addresses.")
		}
	}
	return u, nil
}

// cimdClient is the HTTP client that fetches documents: bounded in time,
// never following redirects, and (outside loopback mode) refusing to
// connect to loopback, private or link-local addresses, so that a client_id
// cannot make the server reach its own network.
func (s *Server) cimdClient() *http.Client {
	loopbackOnly := s.cimd == CIMDLoopback
	dialer := &net.Dialer{Timeout: cimdTimeout, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("client metadata document: address %q: %w", address, err)
		}
		ip := net.ParseIP(host)
		if ip == nil {
			return fmt.Errorf("client metadata document: %q is not an IP address", host)
		}
		if loopbackOnly != ip.IsLoopback() || (!loopbackOnly && (ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast())) {
			return fmt.Errorf("client metadata document: the address %s is not allowed", ip)
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: cimdTimeout, ResponseHeaderTimeout: cimdTimeout,
		MaxResponseHeaderBytes: 16 << 10, DisableKeepAlives: true}
	c := &http.Client{Transport: tr, Timeout: cimdTimeout}
	if !s.fault(FaultCIMDFollowsRedirects) {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

// fetchClientMetadata retrieves and validates the document at clientID.
func (s *Server) fetchClientMetadata(ctx context.Context, clientID, redirectURI string) (*store.Client, error) {
	u, err := s.checkCIMDURL(clientID)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, cimdErrf("The client_id %q cannot be fetched.", clientID)
	}
	req.Header.Set("Accept", "application/json")
	res, err := s.cimdClient().Do(req)
	if err != nil {
		return nil, cimdErrf("The client metadata document could not be retrieved.")
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, cimdErrf("The client metadata document could not be retrieved (HTTP %d).", res.StatusCode)
	}
	if mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type")); !s.fault(FaultCIMDContentTypeIgnored) &&
		(err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		return nil, cimdErrf("The client metadata document is not served as application/json.")
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, cimdMaxBytes+1))
	if err != nil {
		return nil, cimdErrf("The client metadata document could not be read.")
	}
	if len(body) > cimdMaxBytes {
		return nil, cimdErrf("The client metadata document is larger than %d bytes.", cimdMaxBytes)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil {
		return nil, cimdErrf("The client metadata document is not a JSON object.")
	}
	var md store.ClientMetadata
	if err := json.Unmarshal(body, &md); err != nil {
		return nil, cimdErrf("The client metadata document has malformed members.")
	}
	if id, _ := doc["client_id"].(string); id != clientID && !s.fault(FaultCIMDClientIDUnchecked) {
		return nil, cimdErrf("The client metadata document's client_id does not match its URL.")
	}
	if _, has := doc["client_secret"]; has {
		return nil, cimdErrf("A client metadata document must not contain client_secret.")
	}
	if _, has := doc["client_secret_expires_at"]; has {
		return nil, cimdErrf("A client metadata document must not contain client_secret_expires_at.")
	}
	switch md.TokenEndpointAuthMethod {
	case "", authNone:
	default:
		if !s.fault(FaultCIMDSecretMethodAllowed) || !strings.HasPrefix(md.TokenEndpointAuthMethod, "client_secret_") {
			return nil, cimdErrf("The client metadata document's token_endpoint_auth_method %q is not supported: such clients authenticate with none.", md.TokenEndpointAuthMethod)
		}
	}
	if len(md.RedirectURIs) == 0 {
		return nil, cimdErrf("The client metadata document has no redirect_uris.")
	}
	for _, r := range md.RedirectURIs {
		if msg := s.checkRedirectURI(r); msg != "" {
			return nil, cimdErrf("The client metadata document lists an invalid redirect URI: %s", msg)
		}
	}
	if s.fault(FaultCIMDRedirectUnchecked) && redirectURI != "" && !slices.Contains(md.RedirectURIs, redirectURI) {
		md.RedirectURIs = append(md.RedirectURIs, redirectURI)
	}
	if s.fault(FaultCIMDBroken) {
		return nil, cimdErrf("This client cannot be used.")
	}
	md.TokenEndpointAuthMethod = authNone
	if len(md.GrantTypes) == 0 {
		md.GrantTypes = []string{"authorization_code"}
	}
	md.GrantTypes = slices.DeleteFunc(md.GrantTypes, func(g string) bool { return g != "authorization_code" && g != "refresh_token" })
	md.ResponseTypes = []string{"code"}
	return &store.Client{ID: clientID, IssuedAt: s.now(), Metadata: md}, nil
}
