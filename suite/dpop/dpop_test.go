package dpop_test

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/dpop"
)

func header(t *testing.T, proof string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(proof, ".")[0])
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.Unmarshal(b, &h))
	return h
}

func TestSignVerifies(t *testing.T) {
	for _, alg := range dpop.Algs {
		t.Run(alg, func(t *testing.T) {
			k, err := dpop.NewKey(alg)
			require.NoError(t, err)
			proof, err := k.Sign(dpop.Proof{Method: "POST", URL: "https://as.example/token?x=1#f", AccessToken: "tok", Nonce: "n1"})
			require.NoError(t, err)
			jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			require.NoError(t, err)
			h := jws.Signatures[0].Header
			assert.Equal(t, "dpop+jwt", h.ExtraHeaders[jose.HeaderType])
			require.NotNil(t, h.JSONWebKey)
			assert.True(t, h.JSONWebKey.IsPublic())
			payload, err := jws.Verify(h.JSONWebKey)
			require.NoError(t, err)
			var c map[string]any
			require.NoError(t, json.Unmarshal(payload, &c))
			assert.Equal(t, "POST", c["htm"])
			assert.Equal(t, "https://as.example/token", c["htu"])
			assert.Equal(t, dpop.ATH("tok"), c["ath"])
			assert.Equal(t, "n1", c["nonce"])
			assert.NotEmpty(t, c["jti"])
			assert.InDelta(t, float64(time.Now().Unix()), c["iat"], 60)
		})
	}
}

func TestDeviations(t *testing.T) {
	k, err := dpop.NewKey("ES256")
	require.NoError(t, err)
	p := dpop.Proof{Method: "POST", URL: "https://as.example/token"}
	algs := []jose.SignatureAlgorithm{jose.ES256}

	bad := p
	bad.BadSignature = true
	proof, err := k.Sign(bad)
	require.NoError(t, err)
	jws, err := jose.ParseSignedCompact(proof, algs)
	require.NoError(t, err)
	_, err = jws.Verify(&k.JWK)
	assert.Error(t, err, "a broken signature does not verify")

	priv := p
	priv.PrivateJWK = true
	proof, err = k.Sign(priv)
	require.NoError(t, err)
	jwk := header(t, proof)["jwk"].(map[string]any)
	assert.NotEmpty(t, jwk["d"], "the jwk carries the private key")

	none := p
	none.AlgNone = true
	proof, err = k.Sign(none)
	require.NoError(t, err)
	assert.Equal(t, "none", header(t, proof)["alg"])
	assert.True(t, strings.HasSuffix(proof, "."), "an unsecured JWS has an empty signature")

	typ := p
	typ.Typ = "JWT"
	proof, err = k.Sign(typ)
	require.NoError(t, err)
	assert.Equal(t, "JWT", header(t, proof)["typ"])

	omit := p
	omit.Omit = []string{"jti"}
	omit.HTU = "HTTPS://AS.EXAMPLE/token"
	proof, err = k.Sign(omit)
	require.NoError(t, err)
	jws, err = jose.ParseSignedCompact(proof, algs)
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c))
	assert.NotContains(t, c, "jti")
	assert.Equal(t, "HTTPS://AS.EXAMPLE/token", c["htu"], "htu is sent verbatim")

	sym := p
	sym.Symmetric = true
	proof, err = k.Sign(sym)
	require.NoError(t, err)
	assert.Equal(t, "HS256", header(t, proof)["alg"])
	assert.Equal(t, "oct", header(t, proof)["jwk"].(map[string]any)["kty"])

	js := p
	js.JSON = true
	proof, err = k.Sign(js)
	require.NoError(t, err)
	_, err = jose.ParseSignedCompact(proof, algs)
	assert.Error(t, err, "the JSON serialization is not a compact JWS")
	jws, err = jose.ParseSignedJSON(proof, algs)
	require.NoError(t, err)
	_, err = jws.Verify(&k.JWK)
	assert.NoError(t, err)
}

func TestPickAlg(t *testing.T) {
	alg, ok := dpop.PickAlg([]string{"RS256", "PS256"})
	assert.True(t, ok)
	assert.Equal(t, "PS256", alg)
	_, ok = dpop.PickAlg([]string{"EdDSA"})
	assert.False(t, ok)
	alg, _ = dpop.PickAlg(nil)
	assert.Equal(t, "ES256", alg)
}

func TestThumbprint(t *testing.T) {
	// RFC 7638 §3.1's example key and thumbprint.
	var jwk jose.JSONWebKey
	require.NoError(t, jwk.UnmarshalJSON([]byte(`{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`)))
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	require.NoError(t, err)
	assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", base64.RawURLEncoding.EncodeToString(thumb))
}
