package server

import (
	"bytes"
	"crypto/hmac"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/authspec/authspec/server/ui"
)

type uiTemplates struct {
	login, consent, errPage *template.Template
}

func loadTemplates() (*uiTemplates, error) {
	parse := func(name string) (*template.Template, error) {
		t, err := template.ParseFS(ui.FS, "layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		return t.Lookup(name), nil
	}
	var u uiTemplates
	var err error
	if u.login, err = parse("login.html"); err != nil {
		return nil, err
	}
	if u.consent, err = parse("consent.html"); err != nil {
		return nil, err
	}
	if u.errPage, err = parse("error.html"); err != nil {
		return nil, err
	}
	return &u, nil
}

// render writes an HTML page with headers that forbid framing and caching.
func (s *Server) render(w http.ResponseWriter, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("render page", "err", err)
		writePlainError(w, http.StatusInternalServerError, "internal error")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage shows an error to the user without redirecting (RFC 6749
// §4.1.2.1: an invalid client_id or redirect_uri must not be redirected):
// an HTML page, plain text (variant error-page-bare), or the server's own
// /error page reached by a redirect (variant error-page-redirect).
func (s *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	switch {
	case s.errorPagesBare():
		writePlainError(w, status, title+": "+msg)
	case s.errorPagesRedirected():
		q := url.Values{"title": {title}, "message": {msg}}
		q.Set("mac", s.csrfToken("error page", title, msg))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Location", s.endpoint("/error?"+q.Encode()))
		w.WriteHeader(http.StatusSeeOther)
	default:
		s.render(w, status, s.ui.errPage, map[string]string{"Title": title, "Message": msg})
	}
}

// handleErrorPage shows the error page that errorPage redirected to (with
// error-page-redirect): only a title and message this server wrote, so
// that nobody can make it show text of their choosing.
func (s *Server) handleErrorPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	title, msg := q.Get("title"), q.Get("message")
	if !s.checkCSRF(q.Get("mac"), "error page", title, msg) {
		title, msg = "Error", "The request could not be completed. Return to the application and start again."
	}
	s.render(w, http.StatusOK, s.ui.errPage, map[string]string{"Title": title, "Message": msg})
}

// csrfToken derives a CSRF token bound to purpose and the given parts.
func (s *Server) csrfToken(parts ...string) string { return csrfMAC(s.keys.csrf, parts...) }

func (s *Server) checkCSRF(got string, parts ...string) bool {
	return hmac.Equal([]byte(got), []byte(s.csrfToken(parts...)))
}

// The cookies of the login state. With an https issuer their names carry
// the __Host- prefix, which makes browsers keep them only when Secure, for
// Path=/ and without Domain: no other host (a sibling subdomain, say) can
// set or overwrite them. With an http issuer (loopback testing) they are
// plain: __Host- needs Secure, and although Chromium keeps Secure cookies
// for http://127.0.0.1 and http://localhost, many HTTP clients (Go's
// net/http/cookiejar, Python's http.cookiejar, suites that drive the
// pages over plain HTTP) never send Secure cookies over http.
const (
	sessionCookie = "authspec_session"
	browserCookie = "authspec_browser"
	hostPrefix    = "__Host-"
	sessionTTL    = 8 * time.Hour
	requestTTL    = 10 * time.Minute
)

// session is a signed-in browser. It lives in its sealed cookie only.
type session struct {
	id      string // binds the consent form's CSRF token
	subject string
}

// cookieName is the name of the cookie called name by this server.
func (s *Server) cookieName(name string) string {
	if s.issuer.Scheme == "https" {
		return hostPrefix + name
	}
	return name
}

func (s *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	sameSite := s.sessionSameSite()
	return &http.Cookie{
		Name: s.cookieName(name), Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, SameSite: sameSite,
		// Browsers keep SameSite=None cookies only when Secure.
		Secure: s.issuer.Scheme == "https" || sameSite == http.SameSiteNoneMode,
	}
}

// currentSession returns the signed-in session of the request, if any: a
// session cookie this server sealed, not expired, for a user it knows.
func (s *Server) currentSession(r *http.Request) *session {
	c, err := r.Cookie(s.cookieName(sessionCookie))
	if err != nil || c.Value == "" {
		return nil
	}
	v, err := unseal[sealedSession](&s.keys.session, c.Value, s.now())
	if err != nil {
		return nil
	}
	if _, known := s.users[v.Subject]; !known {
		return nil
	}
	return &session{id: v.ID, subject: v.Subject}
}

// newSession signs subject in: the session is sealed into its cookie.
func (s *Server) newSession(w http.ResponseWriter, subject string) (*session, error) {
	sess := &session{id: randomID(), subject: subject}
	v, err := seal(&s.keys.session, sealedSession{ID: sess.id, Subject: subject}, s.now().Add(sessionTTL))
	if err != nil {
		return nil, err
	}
	http.SetCookie(w, s.cookie(sessionCookie, v, sessionTTL))
	return sess, nil
}

// browserID returns the pre-login browser identifier that binds the login
// form's CSRF token (and, with par-reload-allowed, tells a reload of a
// request_uri from another use), setting its cookie when absent.
func (s *Server) browserID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(s.cookieName(browserCookie)); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	id := randomToken()
	http.SetCookie(w, s.cookie(browserCookie, id, sessionTTL))
	// A later call while serving r reads the same identifier.
	r.AddCookie(&http.Cookie{Name: s.cookieName(browserCookie), Value: id})
	return id
}
