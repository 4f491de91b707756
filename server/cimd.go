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
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/authspec/authspec/server/oautherr"
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

// Bounds of the document cache. A document is reused while it is fresh by
// its Cache-Control (max-age, no-store, no-cache) or Expires header, but for
// at least cimdMinTTL, so that authorization requests naming a URL
// client_id cannot make the server fetch it again and again (an
// amplifier), and for at most cimdMaxTTL. At most cimdCacheSize documents
// are kept.
const (
	cimdMinTTL    = 30 * time.Second
	cimdMaxTTL    = 24 * time.Hour
	cimdCacheSize = 1000
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
// client_id points to (fetched, or taken from the cache while fresh, and
// stored so that the token endpoint knows it).
func (s *Server) authorizeClient(ctx context.Context, clientID string, redirectURI string) (*store.Client, error) {
	if !s.cimdEnabled() || !isURLClientID(clientID) {
		return s.getClient(ctx, clientID)
	}
	c, err := s.cimdDocument(ctx, clientID)
	if err != nil {
		if c = s.clientWithoutDocument(clientID, redirectURI, err); c == nil {
			return nil, err
		}
	}
	s.allowRequestedRedirect(c, redirectURI)
	if s.refusesDocumentClients() {
		return nil, cimdErrf("This client cannot be used.")
	}
	stored, err := s.getClient(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Like a registration: the client is forgotten unless it is used.
		c.ExpiresAt = s.now().Add(s.limits.UnusedClientTTL)
		if oerr := s.createClient(ctx, c); oerr != nil {
			if oerr.Code == oautherr.CodeServerError {
				return nil, fmt.Errorf("store the client of %s: %w", clientID, oerr)
			}
			return nil, cimdErrf("The server cannot take another client now. Try again later.")
		}
	case err != nil:
		return nil, fmt.Errorf("get client %s: %w", clientID, err)
	case !reflect.DeepEqual(stored.Metadata, c.Metadata):
		c.IssuedAt, c.ExpiresAt = stored.IssuedAt, stored.ExpiresAt
		if err := s.store.UpdateClient(ctx, c); err != nil {
			return nil, fmt.Errorf("update the client of %s: %w", clientID, err)
		}
	default:
		c = stored
	}
	return c, nil
}

// cimdDocument returns the client a metadata document describes, from the
// cache while the document is fresh, fetching it otherwise.
func (s *Server) cimdDocument(ctx context.Context, clientID string) (*store.Client, error) {
	now := s.now()
	if c, ok := s.cimdCache.get(clientID, now); ok {
		return cloneClient(c), nil
	}
	if err, ok := s.cimdFailures.get(clientID, now); ok {
		return nil, err
	}
	c, ttl, err := s.fetchClientMetadata(ctx, clientID)
	if err != nil {
		s.rememberDocumentFailure(clientID, err, now)
		return nil, err
	}
	s.cimdCache.put(clientID, cloneClient(c), now.Add(ttl), now)
	s.prefetchLogo(ctx, c.Metadata.LogoURI, ttl)
	return cloneClient(c), nil
}

// cimdCached reports whether the document of clientID is in the cache
// and fresh.
func (s *Server) cimdCached(clientID string) bool {
	_, ok := s.cimdCache.get(clientID, s.now())
	return ok
}

// checkCIMDURL applies the draft's rules on the client_id URL.
func (s *Server) checkCIMDURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, cimdErrf("The client_id %q is not a valid URL.", raw)
	}
	switch {
	case !s.checksClientIDURLForm():
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
		if a, err := netip.ParseAddr(host); err == nil && !publicAddr(a) {
			return nil, cimdErrf("Client metadata documents are fetched only from public addresses.")
		}
	}
	return u, nil
}

// Address blocks of the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and its updates) that are not globally reachable.
// Embedded IPv4 addresses (4-in-6 mapped, NAT64 64:ff9b::/96, 6to4
// 2002::/16) are unwrapped and judged as IPv4.
var (
	nonGlobalIPv4 = mustPrefixes(
		"0.0.0.0/8",       // "this network"
		"10.0.0.0/8",      // private use
		"100.64.0.0/10",   // shared address space (carrier-grade NAT)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link local (cloud metadata services)
		"172.16.0.0/12",   // private use
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation (TEST-NET-1)
		"192.88.99.0/24",  // deprecated 6to4 relay anycast
		"192.168.0.0/16",  // private use
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation (TEST-NET-2)
		"203.0.113.0/24",  // documentation (TEST-NET-3)
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, and the limited broadcast address
	)
	// globalIPv6 is the global unicast space IANA allocates from; the
	// rest of the IPv6 space (loopback, unspecified, IPv4-compatible,
	// discard-only, unique local, link local, site local, multicast, SRv6
	// SIDs, ...) is not globally reachable unicast.
	globalIPv6    = netip.MustParsePrefix("2000::/3")
	nonGlobalIPv6 = mustPrefixes(
		"2001::/23",     // IETF protocol assignments: Teredo, benchmarking, ORCHID, ...
		"2001:db8::/32", // documentation
		"3fff::/20",     // documentation (RFC 9637)
	)
	nat64WellKnown = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052: IPv4 in the last 32 bits
	sixToFour      = netip.MustParsePrefix("2002::/16")    // RFC 3056: IPv4 in bits 16-47
)

func mustPrefixes(ps ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ps))
	for i, p := range ps {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

// publicAddr reports whether a is a globally reachable unicast address,
// after unwrapping the IPv4 address an IPv6 address may carry.
func publicAddr(a netip.Addr) bool {
	if a.Zone() != "" {
		return false
	}
	a = a.Unmap()
	if a.Is4() {
		return !slices.ContainsFunc(nonGlobalIPv4, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	b := a.As16()
	switch {
	case nat64WellKnown.Contains(a):
		return publicAddr(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(a):
		return publicAddr(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return globalIPv6.Contains(a) && !slices.ContainsFunc(nonGlobalIPv6, func(p netip.Prefix) bool { return p.Contains(a) })
}

// cimdAddrAllowed reports whether documents may be fetched from ip: a
// public address with --cimd on, a loopback address with --cimd loopback.
func (s *Server) cimdAddrAllowed(ip net.IP) bool {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return false
	}
	if s.cimd == CIMDLoopback {
		return a.Zone() == "" && a.Unmap().IsLoopback()
	}
	return publicAddr(a)
}

// cimdDialControl vets the address the document client is about to connect
// to, after name resolution, so that no host name can lead the server into
// its own network.
func (s *Server) cimdDialControl(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("client metadata document: address %q: %w", address, err)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("client metadata document: %q is not an IP address", host)
	}
	if !s.cimdAddrAllowed(ip) {
		return fmt.Errorf("client metadata document: the address %s is not allowed", ip)
	}
	return nil
}

// cimdClient is the HTTP client that fetches documents: bounded in time,
// never following redirects, without proxy, and connecting only to the
// addresses cimdDialControl allows.
func (s *Server) cimdClient() *http.Client {
	dialer := &net.Dialer{Timeout: cimdTimeout, Control: s.cimdDialControl}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: cimdTimeout, ResponseHeaderTimeout: cimdTimeout,
		MaxResponseHeaderBytes: 16 << 10, DisableKeepAlives: true}
	c := &http.Client{Transport: tr, Timeout: cimdTimeout}
	if !s.followsDocumentRedirects() {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

// errCIMDRetrieval is what the person learns of any failed retrieval: the
// same words whether nothing answered or the remote answered 404 or 500,
// so that the error page is no oracle for scanning. The details go to the
// debug log.
var errCIMDRetrieval = &cimdError{msg: "The client metadata document could not be retrieved."}

// fetchClientMetadata retrieves and validates the document at clientID and
// says how long it stays fresh.
func (s *Server) fetchClientMetadata(ctx context.Context, clientID string) (*store.Client, time.Duration, error) {
	c, res, err := s.fetchAndValidate(ctx, clientID)
	if err != nil {
		return nil, 0, err
	}
	return c, cimdFreshness(res.Header, s.now()), nil
}

func (s *Server) fetchAndValidate(ctx context.Context, clientID string) (*store.Client, *http.Response, error) {
	u, err := s.checkCIMDURL(clientID)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, cimdErrf("The client_id %q cannot be fetched.", clientID)
	}
	req.Header.Set("Accept", "application/json")
	res, err := s.cimdClient().Do(req)
	if err != nil {
		s.log.Debug("client metadata document: fetch failed", "client_id", clientID, "err", err)
		return nil, nil, errCIMDRetrieval
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		s.log.Debug("client metadata document: fetch failed", "client_id", clientID, "status", res.StatusCode)
		return nil, nil, errCIMDRetrieval
	}
	if !documentTypeAccepted(res.Header.Get("Content-Type")) {
		return nil, nil, cimdErrf("The client metadata document is not served as application/json.")
	}
	limit := s.documentSizeLimit()
	body, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, nil, cimdErrf("The client metadata document could not be read.")
	}
	switch {
	case int64(len(body)) <= limit:
	case s.truncatesDocuments():
		body = body[:limit]
	default:
		return nil, nil, cimdErrf("The client metadata document is larger than %d bytes.", limit)
	}
	body = s.documentJSON(body)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil {
		return nil, nil, cimdErrf("The client metadata document is not a JSON object.")
	}
	var md store.ClientMetadata
	if err := json.Unmarshal(body, &md); err != nil {
		return nil, nil, cimdErrf("The client metadata document has malformed members.")
	}
	if id, _ := doc["client_id"].(string); id != clientID && s.checksDocumentClientID() {
		return nil, nil, cimdErrf("The client metadata document's client_id does not match its URL.")
	}
	if _, has := doc["client_secret"]; has && s.refusesDocumentSecrets() {
		return nil, nil, cimdErrf("A client metadata document must not contain client_secret.")
	}
	if _, has := doc["client_secret_expires_at"]; has && s.refusesDocumentSecrets() {
		return nil, nil, cimdErrf("A client metadata document must not contain client_secret_expires_at.")
	}
	if !s.documentAuthMethodAccepted(md.TokenEndpointAuthMethod) {
		return nil, nil, cimdErrf("The client metadata document's token_endpoint_auth_method %q is not supported: such clients authenticate with none.", md.TokenEndpointAuthMethod)
	}
	if len(md.RedirectURIs) == 0 && s.documentRedirectURIsRequired() {
		return nil, nil, cimdErrf("The client metadata document has no redirect_uris.")
	}
	for _, r := range md.RedirectURIs {
		if msg := s.checkRedirectURI(r); msg != "" {
			return nil, nil, cimdErrf("The client metadata document lists an invalid redirect URI: %s", msg)
		}
	}
	md.TokenEndpointAuthMethod = authNone
	if len(md.GrantTypes) == 0 {
		md.GrantTypes = []string{"authorization_code"}
	}
	md.GrantTypes = slices.DeleteFunc(md.GrantTypes, func(g string) bool { return g != "authorization_code" && g != "refresh_token" })
	md.ResponseTypes = []string{"code"}
	return &store.Client{ID: clientID, IssuedAt: s.now(), Metadata: md}, res, nil
}

// cimdFreshness is how long a fetched document is reused: its freshness
// lifetime by RFC 9111 §4.2.1 (Cache-Control max-age, else Expires minus
// Date), less its Age; zero with no-store or no-cache; then held within
// [cimdMinTTL, cimdMaxTTL].
func cimdFreshness(h http.Header, now time.Time) time.Duration {
	var ttl time.Duration
	maxAge, hasMaxAge := time.Duration(0), false
	noStore := false
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store", "no-cache":
				noStore = true
			case "max-age":
				if n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64); err == nil && n >= 0 && !hasMaxAge {
					maxAge, hasMaxAge = time.Duration(min(n, int64(cimdMaxTTL/time.Second)))*time.Second, true
				}
			}
		}
	}
	switch {
	case noStore:
	case hasMaxAge:
		ttl = maxAge
	case h.Get("Expires") != "":
		if exp, err := http.ParseTime(h.Get("Expires")); err == nil {
			base := now
			if date, err := http.ParseTime(h.Get("Date")); err == nil {
				base = date
			}
			ttl = exp.Sub(base)
		}
	}
	if age, err := strconv.ParseInt(h.Get("Age"), 10, 64); err == nil && age > 0 {
		ttl -= time.Duration(min(age, int64(cimdMaxTTL/time.Second))) * time.Second
	}
	return min(max(ttl, cimdMinTTL), cimdMaxTTL)
}

// cloneClient copies a client and its lists.
func cloneClient(c *store.Client) *store.Client {
	cp := *c
	m := &cp.Metadata
	m.RedirectURIs = slices.Clone(m.RedirectURIs)
	m.GrantTypes = slices.Clone(m.GrantTypes)
	m.ResponseTypes = slices.Clone(m.ResponseTypes)
	m.Contacts = slices.Clone(m.Contacts)
	m.JWKS = slices.Clone(m.JWKS)
	cp.SecretHash = slices.Clone(c.SecretHash)
	cp.RegistrationTokenHash = slices.Clone(c.RegistrationTokenHash)
	return &cp
}

// documentTypeAccepted: a document is JSON, application/json or
// application/*+json.
func documentTypeAccepted(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}
