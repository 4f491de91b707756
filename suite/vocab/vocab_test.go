package vocab_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/vocab"
)

func TestParseGate(t *testing.T) {
	for in, want := range map[string]vocab.Gate{"": vocab.GateMust, "must": vocab.GateMust, "should": vocab.GateShould} {
		g, err := vocab.ParseGate(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, g, in)
	}
	for _, bad := range []string{"may", "MUST", " must"} {
		_, err := vocab.ParseGate(bad)
		assert.EqualError(t, err, `"`+bad+`": use must or should`)
	}
}

func TestFeature_Known(t *testing.T) {
	assert.True(t, vocab.FeatureBrowser.Known())
	assert.True(t, vocab.FeatureCIMD.Known())
	assert.False(t, vocab.Feature("teleport").Known())
}
