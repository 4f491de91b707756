package suite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

func claimCheck(id string, claim vocab.Profile, profiles ...vocab.Profile) *suite.Check {
	return &suite.Check{ID: id, Spec: suite.OAuth21, Section: "1", Level: suite.Must, Title: id,
		Profiles: profiles, Claim: claim, Run: func(context.Context, *suite.T) error { return nil }}
}

func TestClaim_MustBeAProfileOfTheCheck(t *testing.T) {
	_, err := suite.NewRegistry(claimCheck("x-claim", vocab.ProfileOAuth21, vocab.ProfileCore))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Claim "oauth2.1" is not one of its Profiles`)
}

func TestClaim_Validate(t *testing.T) {
	reg, err := suite.NewRegistry(claimCheck("x-claim", vocab.ProfileOAuth21, vocab.ProfileOAuth21),
		claimCheck("y-plain", "", vocab.ProfileCore))
	require.NoError(t, err)
	assert.Equal(t, []vocab.Profile{vocab.ProfileOAuth21}, reg.Claims())
	assert.NoError(t, suite.ValidateClaims(reg, []vocab.Profile{vocab.ProfileOAuth21}))
	err = suite.ValidateClaims(reg, []vocab.Profile{"oauth21"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown claim "oauth21"`)
	assert.Contains(t, err.Error(), "oauth2.1")
}

func TestClaim_Unclaimed(t *testing.T) {
	c := claimCheck("x-claim", vocab.ProfileOAuth21, vocab.ProfileOAuth21)
	env := &suite.Env{}
	p, missing := env.Unclaimed(c)
	assert.True(t, missing)
	assert.Equal(t, vocab.ProfileOAuth21, p)
	env.Claims = []vocab.Profile{vocab.ProfileOAuth21}
	_, missing = env.Unclaimed(c)
	assert.False(t, missing)
	_, missing = (&suite.Env{}).Unclaimed(claimCheck("y-plain", "", vocab.ProfileCore))
	assert.False(t, missing, "a check without a Claim judges every run")
}

func TestClaimReason_RoundTrip(t *testing.T) {
	msg := suite.ClaimReason(vocab.ProfileOAuth21)
	p, ok := suite.ParseClaimReason(msg)
	assert.True(t, ok)
	assert.Equal(t, vocab.ProfileOAuth21, p)
	_, ok = suite.ParseClaimReason("requires pkce: no S256")
	assert.False(t, ok)
}
