package faultpairs_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

var _ = add(map[string]pair{
	// The suite sends nothing to an origin the user did not allow: a user
	// whose server names an http PAR endpoint allows its origin to see why.
	"rfc9126-2-endpoint-https": {faults: []server.Fault{server.FaultMetadataPARHTTP},
		target: func(c *target.Config) { c.AllowedOrigins = []string{"http://as.example.com"} }},
	"rfc9126-2.1-client-authenticated":           faults(server.FaultPARNoClientAuth),
	"rfc9126-2.1-pushed-request-validated":       faults(server.FaultPARRequestUnvalidated),
	"rfc9126-2.1-request-uri-refused":            faults(server.FaultPARRequestURIAccepted),
	"rfc9126-2.1-validated-at-authorization":     faults(server.FaultPARRequestUnvalidated),
	"rfc9126-2.2-created-response":               faults(server.FaultPARWrongStatus, server.FaultPARMissingExpiresIn),
	"rfc9126-2.2-bound-to-client":                faults(server.FaultPARNotBoundToClient),
	"rfc9126-2.2-pushed-parameters-win":          faults(server.FaultPARQueryParamsOverride),
	"rfc9126-2.3-error-json":                     faults(server.FaultErrorNotJSON),
	"rfc9126-2.3-post-only":                      faults(server.FaultPARGetAccepted),
	"rfc9126-2.3-signed-request-object-required": faults(server.FaultPARSignedRequestObjectIgnored),
	"rfc9126-4-expired-refused":                  faults(server.FaultPARExpiredAccepted),
	"rfc9126-4-single-use":                       faults(server.FaultPARRequestURIReusable),
	"rfc9126-5-request-uri-usable":               faults(server.FaultPARRequestURIIgnored),
	"rfc9126-6-client-require-par-honoured":      faults(server.FaultPARRequiredNotEnforced),
	// The server-wide requirement is met only by a server that requires
	// PAR of every client.
	"rfc9126-5-require-par-honoured": {faults: []server.Fault{server.FaultPARRequiredNotEnforced},
		cfg: func(c *server.Config) { c.RequirePAR = true }},
	// No fault of the reference server gives the member another type: the
	// test plays one in front of it.
	"rfc9126-5-metadata-members": {wrap: requirePARAsString},
})

// requirePARAsString gives require_pushed_authorization_requests as the
// string "false" in the metadata.
func requirePARAsString(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/.well-known/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := bytes.Replace(rec.Body.Bytes(), []byte(`"require_pushed_authorization_requests": false`),
			[]byte(`"require_pushed_authorization_requests": "false"`), 1)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// TestPARReloadAllowed: a server that lets the browser which used a
// request_uri use it again (a reload, RFC 9126 §4 MAY) meets the SHOULD of
// one-time use, judged on a second use by another user agent; a server
// that lets anyone use it again does not. The flows run in the browser,
// whose flows share the session and its cookies as a person's would.
func TestPARReloadAllowed(t *testing.T) {
	const id = "rfc9126-4-single-use"
	checks := checksByID(t, id)
	for _, tc := range []struct {
		name string
		cfg  server.Config
		want suite.Status
	}{
		{"reload allowed", server.Config{Variants: []server.Variant{server.VariantPARReloadAllowed}}, suite.Pass},
		{"reusable by anyone", server.Config{Variants: []server.Variant{server.VariantPARReloadAllowed}, Faults: []server.Fault{server.FaultPARRequestURIReusable}}, suite.Warn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results := runChecksWith(t, tc.cfg, runOptions{browser: true}, checks)
			r := resultOf(t, results, id)
			assert.Equal(t, tc.want, r.Status, describe(r))
		})
	}
}
