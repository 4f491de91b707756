package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/openapi"
)

// contractTransport validates every response of srv against openapi.yaml
// and fails the test at cleanup on any violation: an undocumented status,
// a missing required header, or a body that does not match its schema.
// Servers with faults switched on are exempt (they break things on purpose).
func contractTransport(t *testing.T, srv *server.Server, faulty bool) http.RoundTripper {
	t.Helper()
	return contractTransportFor(t, srv, faulty, http.DefaultTransport)
}

// contractTransportOver is contractTransport for a server without faults,
// over base (a TLS server's client transport, say).
func contractTransportOver(t *testing.T, srv *server.Server, base http.RoundTripper) http.RoundTripper {
	t.Helper()
	return contractTransportFor(t, srv, false, base)
}

func contractTransportFor(t *testing.T, srv *server.Server, faulty bool, under http.RoundTripper) http.RoundTripper {
	t.Helper()
	c, err := openapi.Load()
	if err != nil {
		t.Fatalf("load contract: %v", err)
	}
	md := srv.Metadata()
	roles := openapi.NewRoles(map[string]string{
		"authorization_endpoint": md.AuthorizationEndpoint, "token_endpoint": md.TokenEndpoint,
		"revocation_endpoint": md.RevocationEndpoint, "introspection_endpoint": md.IntrospectionEndpoint,
		"registration_endpoint": md.RegistrationEndpoint,
	}, srv.ResourceURL())
	base := strings.TrimSuffix(md.AuthorizationEndpoint, "/authorize")
	rec := openapi.NewRecorder(c, pageRoles{Roles: roles, base: base})
	t.Cleanup(func() {
		if faulty {
			return
		}
		for _, v := range rec.Violations() {
			t.Errorf("contract violation: %s", v)
		}
		if len(rec.Observed()) == 0 {
			t.Errorf("no response was checked against the contract")
		}
	})
	return &openapi.Transport{Base: under, Recorder: rec}
}

// pageRoles adds the reference server's own pages to the endpoint roles.
type pageRoles struct {
	*openapi.Roles
	base string
}

func (p pageRoles) Role(u *url.URL) string {
	full := u.Scheme + "://" + u.Host + u.Path
	for _, page := range []string{"/login", "/consent"} {
		if full == p.base+page {
			return page
		}
	}
	return p.Roles.Role(u)
}
