package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The behaviours that reshape the answers of the authorization endpoint
// and its login and consent pages: the redirect to the client (RFC 6749
// §4.1.2, RFC 9207, RFC 9700 §4.12) and the headers and contents of the
// pages (RFC 9700 §4.2.4, §4.16).
// truncatedStateLen is where the fault state-truncated cuts state.
const truncatedStateLen = 255

func (s *Server) pageRules() []rule {
	return []rule{
		onFault(FaultIssParamMissing, s.editClientRedirect(func(q url.Values) { q.Del("iss") })),
		onFault(FaultIssWithQuery, s.editClientRedirect(func(q url.Values) {
			if q.Has("iss") {
				q.Set("iss", q.Get("iss")+"?tenant=authspec")
			}
		})),
		onFault(FaultIssMissingOnErrors, s.editClientRedirect(func(q url.Values) {
			if q.Has("error") {
				q.Del("iss")
			}
		})),
		onFault(FaultStateTruncated, s.editClientRedirect(func(q url.Values) {
			if st := q.Get("state"); len(st) > truncatedStateLen {
				q.Set("state", st[:truncatedStateLen])
			}
		})),
		onFault(FaultStateDropped, s.editClientRedirect(func(q url.Values) {
			if q.Has("code") {
				q.Del("state")
			}
		})),
		onFault(FaultErrorStateDropped, s.editClientRedirect(func(q url.Values) {
			if q.Has("error") {
				q.Del("state")
			}
		})),
		// The redirect answering the login form repeats the POST, with
		// the password, at the next URL.
		onFault(FaultBCPPostRedirect307, func(res *response) {
			if res.req.Method == http.MethodPost && res.status == http.StatusSeeOther && strings.HasSuffix(res.req.URL.Path, "/login") {
				res.status = http.StatusTemporaryRedirect
			}
		}),
		onVariant(VariantConsentRedirect302, func(res *response) {
			if res.req.Method == http.MethodPost && res.status == http.StatusSeeOther && strings.HasSuffix(res.req.URL.Path, "/consent") &&
				s.isClientRedirect(res.header.Get("Location")) {
				res.status = http.StatusFound
			}
		}),
		// The redirects that continue the authorization: a consent form
		// sent without a session still goes back to the login page with
		// 303.
		onFault(FaultBCPPostRedirect302, func(res *response) {
			if res.status == http.StatusSeeOther && !strings.HasPrefix(res.header.Get("Location"), s.endpoint("/login?")) {
				res.status = http.StatusFound
			}
		}),
		onFault(FaultBCPThirdPartyResources, func(res *response) {
			csp := res.header.Get("Content-Security-Policy")
			if csp == "" {
				return
			}
			const pixel = "http://127.0.0.2:9/pixel.png" // another origin (connection refused)
			res.body = append(res.body, `<img src="`+pixel+`" alt="">`...)
			res.header.Set("Content-Security-Policy", strings.Replace(csp, "img-src 'self'", "img-src 'self' "+pixel, 1))
		}),
		onFault(FaultFramingAllowed, dropHeaders("X-Frame-Options", "Content-Security-Policy")),
		// A logo loaded from the client's host needs the page's policy to
		// allow images from anywhere.
		onVariant(VariantConsentLogoHotlinked, func(res *response) {
			if csp := res.header.Get("Content-Security-Policy"); csp != "" {
				res.header.Set("Content-Security-Policy", strings.Replace(csp, "img-src 'self'", "img-src 'self' http: https:", 1))
			}
		}),
		onVariant(VariantFrameBustingScript, func(res *response) {
			if res.header.Get("Content-Security-Policy") == "" {
				return // not a page
			}
			res.header.Del("X-Frame-Options")
			res.header.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'")
			res.body = append(res.body, `<script>if (top !== self) { top.location = self.location; }</script>`...)
		}),
		onFault(FaultErrorDescriptionUnsanitized, func(res *response) {
			rt := res.form().Get("response_type")
			s.editClientRedirect(func(q url.Values) {
				if q.Get("error") == "unsupported_response_type" {
					q.Set("error_description", `response_type "`+rt+`" is not supported`)
				}
			})(res)
		}),
		onFault(FaultAuthorizeGETRefused, func(res *response) {
			if res.req.Method == http.MethodGet && strings.HasSuffix(res.req.URL.Path, "/authorize") {
				res.replace(http.StatusMethodNotAllowed, "method not allowed: send the authorization request by POST")
				res.header.Set("Allow", "POST")
			}
		}),
		onFault(FaultPageReflectsInput, func(res *response) {
			if res.status >= http.StatusBadRequest && strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				res.body = append(res.body, "<p>redirect_uri: "+res.form().Get("redirect_uri")+"</p>"...)
			}
		}),
		onFault(FaultFramingXFOOnly, func(res *response) {
			if csp := res.header.Get("Content-Security-Policy"); csp != "" {
				var kept []string
				for _, d := range strings.Split(csp, ";") {
					if f := strings.Fields(d); len(f) > 0 && !strings.EqualFold(f[0], "frame-ancestors") {
						kept = append(kept, strings.TrimSpace(d))
					}
				}
				res.header.Set("Content-Security-Policy", strings.Join(kept, "; "))
			}
		}),
		// The pages that refuse a request (invalid client_id or
		// redirect_uri, a malformed request) come with 200.
		onVariant(VariantErrorPage200, func(res *response) {
			if res.status == http.StatusBadRequest && strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				res.status = http.StatusOK
			}
		}),
	}
}

// serverRules rewrite every response of the server.
func (s *Server) serverRules() []rule {
	return []rule{
		onVariant(VariantNoReferrerPolicy, dropHeaders("Referrer-Policy")),
		onVariant(VariantResponsesDecorated, s.decorate),
		onVariant(VariantRelativeLocations, func(res *response) {
			// Redirects within the server name the path alone.
			if loc := res.header.Get("Location"); strings.HasPrefix(loc, s.cfg.Issuer+"/") {
				if u, err := url.Parse(loc); err == nil {
					res.header.Set("Location", u.RequestURI())
				}
			}
		}),
	}
}

// decorate dresses a response as many servers do, within what the
// specifications allow: more members in token and error responses, a
// charset on JSON, more directives beside no-store, a session_state in
// the authorization response.
func (s *Server) decorate(res *response) {
	if res.isJSON() {
		res.editMembers(func(m map[string]any) {
			if _, ok := m["access_token"].(string); ok {
				m["refresh_expires_in"], m["not-before-policy"], m["session_state"] = 1800, 0, "authspec-session"
			}
			if _, ok := m["error"].(string); ok {
				m["timestamp"], m["trace_id"] = s.now().UTC().Format(time.RFC3339), "authspec-trace"
			}
		})
		res.header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	if res.header.Get("Cache-Control") == "no-store" {
		res.header.Set("Cache-Control", "no-store, no-cache, max-age=0, must-revalidate")
	}
	s.editClientRedirect(func(q url.Values) {
		if q.Has("code") || q.Has("error") {
			q.Set("session_state", "authspec-session")
		}
	})(res)
}

// isClientRedirect reports whether location leads to the client rather than
// to the login or consent page.
func (s *Server) isClientRedirect(location string) bool {
	return location != "" && !strings.HasPrefix(location, s.endpoint("/login?")) && !strings.HasPrefix(location, s.endpoint("/consent?"))
}

// editClientRedirect is a rule that changes the query of a redirect to the
// client.
func (s *Server) editClientRedirect(edit func(url.Values)) func(*response) {
	return func(res *response) {
		loc := res.header.Get("Location")
		if !s.isClientRedirect(loc) {
			return
		}
		u, err := url.Parse(loc)
		if err != nil {
			return
		}
		q := u.Query()
		edit(q)
		u.RawQuery = q.Encode()
		res.header.Set("Location", u.String())
	}
}
