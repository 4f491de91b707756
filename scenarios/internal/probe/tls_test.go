package probe

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoSuiteInCommon: a TLS 1.2 handshake refused for want of a common
// cipher suite (the server's TLS 1.2 suites may be ones Go lacks) is told
// from one refused for the version, on real handshakes.
func TestNoSuiteInCommon(t *testing.T) {
	refusal := func(server *tls.Config) error {
		ts := httptest.NewUnstartedServer(http.NotFoundHandler())
		ts.TLS = server
		ts.StartTLS()
		defer ts.Close()
		c, err := tls.Dial("tcp", ts.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true, //nolint:gosec // a test server
			MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12})
		if err == nil {
			_ = c.Close()
		}
		require.Error(t, err)
		return err
	}
	// TLS 1.3 only: protocol_version, the version refused.
	assert.False(t, noSuiteInCommon(refusal(&tls.Config{MinVersion: tls.VersionTLS13})))
	// TLS 1.2 with only suites the (RSA) certificate cannot serve:
	// handshake_failure, no suite in common.
	err := refusal(&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}})
	assert.True(t, noSuiteInCommon(err), "%v", err)
	assert.True(t, noSuiteInCommon(tls.AlertError(71)))
	assert.False(t, noSuiteInCommon(io.EOF))
	assert.False(t, noSuiteInCommon(nil))
}
