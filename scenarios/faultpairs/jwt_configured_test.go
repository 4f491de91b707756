package faultpairs_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// TestJWTChecksWithConfiguredClient: on a target whose registration the
// run may not use, the checks of JWT client authentication run with the
// private_key_jwt client the config names (clients.jwt), whose key was
// registered beforehand.
func TestJWTChecksWithConfiguredClient(t *testing.T) {
	t.Parallel()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "client.pem")
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	configure := func(c *target.Config) {
		issuer := strings.TrimSuffix(c.Resource, "/mcp")
		pub := jose.JSONWebKey{Key: &k.PublicKey, KeyID: "configured-1", Algorithm: "ES256", Use: "sig"}
		body, err := json.Marshal(map[string]any{"token_endpoint_auth_method": "private_key_jwt",
			"jwks": jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}, "redirect_uris": []string{"http://127.0.0.1:8976/callback"},
			"grant_types": []string{"authorization_code", "client_credentials"}, "response_types": []string{"code"}})
		require.NoError(t, err)
		res, err := http.Post(issuer+"/register", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
		var info struct {
			ClientID string `json:"client_id"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&info))
		c.Registration.Disabled = true
		c.Clients.JWT = &target.ClientConfig{ClientID: info.ClientID, PrivateKeyFile: keyFile, KeyID: "configured-1", AuthMethod: "private_key_jwt"}
	}
	ids := []string{"rfc6749-3.2.1-client-assertion-verified", "rfc9126-2-client-assertion-audiences", "oauth21-2.4-client-assertion-aud-issuer"}
	for _, r := range runChecksWith(t, server.Config{}, runOptions{adjustConfig: configure}, checksByID(t, ids...)) {
		assert.Equal(t, suite.Pass, r.Status, describe(r))
	}
}
