package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// jwtClient is a client registered for private_key_jwt, with its key.
type jwtClient struct {
	*client
	key *ecdsa.PrivateKey
}

func newECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

func (e *env) registerJWTClient() *jwtClient {
	e.t.Helper()
	k := newECKey(e.t)
	pub := jose.JSONWebKey{Key: &k.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	c := e.register(map[string]any{"token_endpoint_auth_method": "private_key_jwt",
		"jwks": jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}}})
	return &jwtClient{client: c, key: k}
}

// assertion signs a client assertion of c with key (c's own when nil) for aud.
func (e *env) assertion(c *jwtClient, key *ecdsa.PrivateKey, aud any) string {
	e.t.Helper()
	if key == nil {
		key = c.key
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	require.NoError(e.t, err)
	claims, err := json.Marshal(map[string]any{"iss": c.ID, "sub": c.ID, "aud": aud,
		"jti": randomJTI(e.t), "exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix()})
	require.NoError(e.t, err)
	jws, err := signer.Sign(claims)
	require.NoError(e.t, err)
	out, err := jws.CompactSerialize()
	require.NoError(e.t, err)
	return out
}

func randomJTI(t *testing.T) string {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return url.QueryEscape(string(b))
}

func assertionForm(assertion string) url.Values {
	f := ccForm()
	f.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	f.Set("client_assertion", assertion)
	return f
}

func TestPrivateKeyJWT(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.registerJWTClient()
	assert.Empty(t, c.Secret, "a private_key_jwt client gets no secret")
	assert.NotNil(t, c.info["jwks"], "the registration response echoes jwks")

	for _, aud := range []any{e.issuer, e.issuer + "/token", e.issuer + "/par", []string{"https://other.example", e.issuer}} {
		r := e.postForm("/token", assertionForm(e.assertion(c, nil, aud)))
		assert.Equal(t, http.StatusOK, r.status, "aud %v: %s", aud, r.body)
	}
	a := e.assertion(c, nil, e.issuer)
	require.Equal(t, http.StatusOK, e.postForm("/token", assertionForm(a)).status)
	assert.Equal(t, http.StatusUnauthorized, e.postForm("/token", assertionForm(a)).status, "a replayed assertion (jti seen)")
	assert.Equal(t, http.StatusUnauthorized, e.postForm("/token", assertionForm(e.assertion(c, newECKey(t), e.issuer))).status, "another key")
	assert.Equal(t, http.StatusUnauthorized, e.postForm("/token", assertionForm(e.assertion(c, nil, "https://other.example"))).status, "another audience")
	f := assertionForm(e.assertion(c, nil, e.issuer))
	r := e.postForm("/token", f, c.ID, "a secret")
	assert.Equal(t, http.StatusBadRequest, r.status, "two methods at once: %s", r.body)

	// The registration refuses jwks beside jwks_uri, and private_key_jwt without jwks.
	for _, md := range []map[string]any{
		{"token_endpoint_auth_method": "private_key_jwt"},
		{"jwks_uri": "https://keys.example/jwks", "jwks": c.info["jwks"]},
		{"token_endpoint_auth_method": "private_key_jwt", "jwks": map[string]any{"keys": []any{map[string]any{"kty": "oct", "k": "c2VjcmV0"}}}},
	} {
		md["redirect_uris"] = []string{testRedirect}
		r := e.sendJSON(http.MethodPost, "/register", md, "")
		assert.Equal(t, http.StatusBadRequest, r.status, "%v: %s", md, r.body)
	}
}

func TestPrivateKeyJWT_Behaviours(t *testing.T) {
	t.Run("issuer only", func(t *testing.T) {
		e := newEnv(t, server.Config{Variants: []server.Variant{server.VariantAssertionAudIssuerOnly}})
		c := e.registerJWTClient()
		assert.Equal(t, http.StatusOK, e.postForm("/token", assertionForm(e.assertion(c, nil, e.issuer))).status)
		for _, aud := range []any{e.issuer + "/token", []string{e.issuer}} {
			assert.Equal(t, http.StatusUnauthorized, e.postForm("/token", assertionForm(e.assertion(c, nil, aud))).status, "aud %v", aud)
		}
	})
	t.Run("token endpoint only", func(t *testing.T) {
		e := newEnv(t, server.Config{Faults: []server.Fault{server.FaultAssertionAudTokenEndpointOnly}})
		c := e.registerJWTClient()
		assert.Equal(t, http.StatusUnauthorized, e.postForm("/token", assertionForm(e.assertion(c, nil, e.issuer))).status)
		assert.Equal(t, http.StatusOK, e.postForm("/token", assertionForm(e.assertion(c, nil, e.issuer+"/token"))).status)
	})
	t.Run("signature unchecked", func(t *testing.T) {
		e := newEnv(t, server.Config{Faults: []server.Fault{server.FaultAssertionSignatureUnchecked}})
		c := e.registerJWTClient()
		assert.Equal(t, http.StatusOK, e.postForm("/token", assertionForm(e.assertion(c, newECKey(t), e.issuer))).status)
	})
}

// signClaims signs claims with key (kid k1, ES256).
func (e *env) signClaims(key *ecdsa.PrivateKey, claims map[string]any) string {
	e.t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	require.NoError(e.t, err)
	b, err := json.Marshal(claims)
	require.NoError(e.t, err)
	jws, err := signer.Sign(b)
	require.NoError(e.t, err)
	out, err := jws.CompactSerialize()
	require.NoError(e.t, err)
	return out
}

// pushObject pushes a Request Object of c, signed with key (c's own when
// nil), whose client_id claim is id.
func (e *env) pushObject(c *jwtClient, key *ecdsa.PrivateKey, id string) *resp {
	e.t.Helper()
	if key == nil {
		key = c.key
	}
	p := newPKCE()
	obj := e.signClaims(key, map[string]any{"iss": c.ID, "aud": e.issuer, "client_id": id, "response_type": "code",
		"redirect_uri": c.Redirect, "state": "st-object", "code_challenge": p.challenge, "code_challenge_method": "S256"})
	f := assertionForm(e.assertion(c, nil, e.issuer))
	f.Del("grant_type")
	f.Set("client_id", c.ID)
	f.Set("request", obj)
	return e.postForm("/par", f)
}

func TestPAR_RequestObject(t *testing.T) {
	e := newEnv(t, server.Config{})
	c, other := e.registerJWTClient(), e.registerJWTClient()
	r := e.pushObject(c, nil, c.ID)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	r = e.pushObject(c, newECKey(t), c.ID)
	assert.Equal(t, http.StatusBadRequest, r.status, "another key: %s", r.body)
	assert.Equal(t, "invalid_request_object", r.json(t)["error"])
	r = e.pushObject(c, nil, other.ID)
	assert.Equal(t, http.StatusBadRequest, r.status, "another client_id: %s", r.body)

	e = newEnv(t, server.Config{Faults: []server.Fault{server.FaultRequestObjectSignatureUnchecked, server.FaultRequestObjectClientIDUnchecked}})
	c, other = e.registerJWTClient(), e.registerJWTClient()
	assert.Equal(t, http.StatusCreated, e.pushObject(c, newECKey(t), c.ID).status)
	assert.Equal(t, http.StatusCreated, e.pushObject(c, nil, other.ID).status)
}
