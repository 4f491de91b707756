package conformance_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/conformance"
	"github.com/authspec/authspec/internal/testutil"
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// TestRun_PrivateCA: a target whose certificate a private CA signed is
// reached once tls.ca_file names the CA, by the run's requests and by
// Chromium alike (a consent page in the browser), and its TLS 1.2 support
// is judged; certificates are still verified.
func TestRun_PrivateCA(t *testing.T) {
	t.Parallel()
	testutil.Chromium(t)
	certPEM, keyPEM := testutil.LoopbackCert(t)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, certPEM, 0o600))

	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv, err := server.New(server.Config{Issuer: "https://" + ts.Listener.Addr().String(), Consent: server.ConsentForm})
	require.NoError(t, err)
	h = srv.Handler()
	ts.TLS = srv.TLSConfig()
	ts.TLS.Certificates = []tls.Certificate{cert}
	ts.StartTLS()

	cfg := &target.Config{Resource: srv.ResourceURL()}
	cfg.TLS.CAFile = caFile
	cfg.Browser = target.BrowserConfig{
		Login:   []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
		Consent: []target.Step{{Click: "#allow"}},
	}
	only := []string{"rfc6749-4.1.2-state-echoed", "rfc7591-5-tls12-supported", "rfc7662-4-tls12-supported"}
	rep, err := conformance.Run(context.Background(), conformance.Options{Target: srv.Issuer(), Config: cfg, Only: only,
		Browser: conformance.BrowserOn, Timeout: time.Minute,
		Chromium: os.Getenv("AUTHSPEC_CHROMIUM"), PlaywrightDriver: os.Getenv("PLAYWRIGHT_DRIVER_PATH")})
	require.NoError(t, err)
	require.Len(t, rep.Results, len(only))
	for _, r := range rep.Results {
		assert.Equal(t, suite.Pass, r.Status, "%s: %s", r.ID, r.Message)
	}

	// Another CA's certificate is no licence: the run stops at the
	// certificate.
	otherPEM, _ := testutil.LoopbackCert(t)
	require.NoError(t, os.WriteFile(caFile, otherPEM, 0o600))
	_, err = conformance.Run(context.Background(), conformance.Options{Target: srv.Issuer(), Config: cfg, Only: only, Browser: conformance.BrowserOff, Timeout: time.Minute})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
}
