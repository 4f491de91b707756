package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// TestOneGrantPerClient_FoundOut: a server that keeps one grant per user
// and client is found out as such by two codes of one client; the defaults,
// which keep every grant, are not.
func TestOneGrantPerClient_FoundOut(t *testing.T) {
	for _, tc := range []struct {
		variants []server.Variant
		want     bool
	}{{nil, false}, {[]server.Variant{server.VariantEarlierGrantsRevoked}, true}} {
		var h http.Handler
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
		srv, err := server.New(server.Config{Issuer: ts.URL, Consent: server.ConsentAuto, Variants: tc.variants})
		require.NoError(t, err)
		h = srv.Handler()
		ctx := context.Background()
		env, err := suite.Prepare(ctx, ts.URL, &target.Config{Resource: srv.ResourceURL()}, suite.PrepareOptions{Timeout: 30 * time.Second})
		require.NoError(t, err)
		assert.Equal(t, tc.want, env.OneGrantPerClient(ctx), "variants %v", tc.variants)
		ok, why := env.Target.Has(vocab.FeatureOneGrantPerClient)
		assert.Equal(t, tc.want, ok, why)
		ts.Close()
	}
}
