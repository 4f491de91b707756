package vocab

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFeature_Need(t *testing.T) {
	for _, f := range features {
		assert.NotContains(t, f.Need(), "the feature ", "every feature of the engine has words: %s", f)
	}
	assert.Equal(t, "a protected resource", FeatureResource.Need())
	assert.Equal(t, "the feature teleport", Feature("teleport").Need())
}
