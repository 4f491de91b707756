package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCIMD_NoRequestsToLocalNetworkInProduction: with --cimd on, a URL
// client_id naming a loopback or private address is refused without a
// request reaching it (no server-side request forgery), and http is refused.
func TestCIMD_NoRequestsToLocalNetworkInProduction(t *testing.T) {
	hit := false
	doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer doc.Close()
	s, err := New(Config{Issuer: "http://127.0.0.1:1", CIMD: CIMDOn})
	require.NoError(t, err)
	for _, id := range []string{doc.URL + "/client.json", "https://127.0.0.1:1/client.json", "https://localhost/c.json", "http://example.com/c.json", "https://example.com", "https://u:p@example.com/c.json", "https://example.com/a/../c.json"} {
		_, err := s.authorizeClient(context.Background(), id, "")
		var ce *cimdError
		assert.True(t, errors.As(err, &ce), "%s: %v", id, err)
	}
	assert.False(t, hit, "no request reached the loopback document")
	// The dialer itself refuses private and loopback addresses, whatever
	// a host name resolves to.
	for _, addr := range []string{"127.0.0.1:443", "10.0.0.1:443", "192.168.1.1:443", "169.254.169.254:443", "[::1]:443"} {
		conn, err := s.cimdClient().Transport.(*http.Transport).DialContext(context.Background(), "tcp", addr)
		if conn != nil {
			_ = conn.Close()
		}
		assert.ErrorContains(t, err, "not allowed", addr)
	}
}

// TestCIMD_Off: by default URL client_ids are unknown clients and the
// metadata does not advertise the feature.
func TestCIMD_Off(t *testing.T) {
	s, err := New(Config{Issuer: "http://127.0.0.1:1"})
	require.NoError(t, err)
	assert.False(t, s.Metadata().ClientIDMetadataDocumentSupported)
	_, err = s.authorizeClient(context.Background(), "https://example.com/client.json", "")
	var ce *cimdError
	assert.False(t, errors.As(err, &ce))
	assert.Error(t, err)
}
