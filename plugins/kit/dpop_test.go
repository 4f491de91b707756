package kit

import (
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/plugin/abi"
)

func TestDPoPKeyAndProof(t *testing.T) {
	tt := &T{In: abi.Input{Target: abi.Target{Metadata: map[string]any{"dpop_signing_alg_values_supported": []any{"RS256", "PS256"}}}}}
	k, err := tt.NewDPoPKey()
	require.NoError(t, err)
	assert.Equal(t, "PS256", k.Alg)
	proof, err := k.Proof("GET", "https://rs.example/api?q=1", "token", "n")
	require.NoError(t, err)
	jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.PS256})
	require.NoError(t, err)
	_, err = jws.Verify(jws.Signatures[0].Header.JSONWebKey)
	require.NoError(t, err)

	none := &T{In: abi.Input{Target: abi.Target{Metadata: map[string]any{"dpop_signing_alg_values_supported": []any{"EdDSA"}}}}}
	_, err = none.NewDPoPKey()
	var skip *SkipError
	assert.ErrorAs(t, err, &skip)
}
