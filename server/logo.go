package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Client logos. RFC 7591 §2 has the server display a client's logo_uri
// during approval, and RFC 9700 §4.2.4 keeps third-party resources out of
// the authorization pages; the client ID metadata document draft (§6.7)
// has a server that uses logo_uri prefetch the file and cache it. The
// consent page therefore shows the server's own copy: the server fetches
// the logo under the policy of client metadata documents (--cimd: public
// addresses, or loopback ones for tests; no redirects; bounded in time and
// size), keeps it for logoTTL (a document's client: as long as the
// document), and serves it from its own origin at /client-logo.

// Limits of logo retrieval.
const (
	logoMaxBytes  = 64 << 10
	logoTTL       = time.Hour
	logoCacheSize = 256
)

// logoTypes are the image types the server copies: raster formats only (an
// SVG may carry script).
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

type logoEntry struct {
	contentType string
	body        []byte
}

// logo returns the copy of the logo at raw, fetching it when the cache has
// none; ttl is how long a fetched copy is kept.
func (s *Server) logo(ctx context.Context, raw string, ttl time.Duration) (logoEntry, error) {
	now := s.now()
	if e, ok := s.logos.get(raw, now); ok {
		return e, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && !(u.Scheme == "http" && s.cimd == CIMDLoopback)) {
		return logoEntry{}, fmt.Errorf("logo_uri %q is not an https URL this server fetches", raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return logoEntry{}, fmt.Errorf("logo request: %w", err)
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif, image/webp")
	res, err := s.cimdClient().Do(req)
	if err != nil {
		return logoEntry{}, fmt.Errorf("fetch logo: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return logoEntry{}, fmt.Errorf("fetch logo: HTTP %d", res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, logoMaxBytes+1))
	if err != nil {
		return logoEntry{}, fmt.Errorf("read logo: %w", err)
	}
	if len(body) > logoMaxBytes {
		return logoEntry{}, fmt.Errorf("logo larger than %d bytes", logoMaxBytes)
	}
	// The type the bytes have, not the one the remote claims.
	ct := http.DetectContentType(body)
	if !logoTypes[ct] {
		return logoEntry{}, fmt.Errorf("logo of type %s, not a raster image", ct)
	}
	e := logoEntry{contentType: ct, body: body}
	s.logos.put(raw, e, now.Add(min(max(ttl, cimdMinTTL), cimdMaxTTL)), now)
	return e, nil
}

// prefetchLogo copies a document client's logo while its document is
// fresh (draft-ietf-oauth-client-id-metadata-document §6.7); a logo that
// cannot be fetched is not shown.
func (s *Server) prefetchLogo(ctx context.Context, logoURI string, ttl time.Duration) {
	if logoURI == "" || !s.showsClientLogo() || s.hotlinksClientLogo() {
		return
	}
	if _, err := s.logo(ctx, logoURI, ttl); err != nil {
		s.log.Debug("client logo: not copied", "logo_uri", logoURI, "err", err)
	}
}

// consentLogo is the src of the client's logo on the consent page, or ""
// when the client has none the server could copy.
func (s *Server) consentLogo(ctx context.Context, clientID, logoURI string) string {
	if logoURI == "" || !s.showsClientLogo() {
		return ""
	}
	if s.hotlinksClientLogo() {
		return logoURI
	}
	if _, err := s.logo(ctx, logoURI, logoTTL); err != nil {
		s.log.Debug("client logo: not copied", "logo_uri", logoURI, "err", err)
		return ""
	}
	return s.endpoint("/client-logo?client_id=" + url.QueryEscape(clientID))
}

// handleClientLogo serves the server's copy of a client's logo.
func (s *Server) handleClientLogo(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("client_id")
	c, err := s.getClient(r.Context(), id)
	if err != nil || c.Metadata.LogoURI == "" || !s.showsClientLogo() {
		writePlainError(w, http.StatusNotFound, "not found")
		return
	}
	e, err := s.logo(r.Context(), c.Metadata.LogoURI, logoTTL)
	if err != nil {
		writePlainError(w, http.StatusNotFound, "not found")
		return
	}
	h := w.Header()
	h.Set("Content-Type", e.contentType)
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write(e.body)
}
