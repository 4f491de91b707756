package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

func skip(id, msg string) suite.Result { return suite.Result{ID: id, Status: suite.Skip, Message: msg} }

// TestSkipGroups: the SKIPs are grouped by what would enable them, from
// the reasons the engine writes (a missing feature and why, a config key
// or the browser recipe named), never from a list of checks.
func TestSkipGroups(t *testing.T) {
	noResource := "no resource configured (set resource: in the config)"
	noBrowser := "no browser recipe in the config: `authspec browser inspect --target https://as.example` writes its browser: login and consent steps"
	results := []suite.Result{
		{ID: "pass", Status: suite.Pass},
		skip("r1", suite.RequiresReason(vocab.FeatureResource, noResource)),
		skip("r2", suite.RequiresReason(vocab.FeatureResource, noResource)),
		skip("r3", suite.RequiresReason(vocab.FeatureResourceMetadata, noResource)),
		skip("b1", suite.RequiresReason(vocab.FeatureBrowser, noBrowser)),
		skip("b2", "the authorization endpoint answered with a page (HTTP 200 at https://as.example/login) that a person must get through (a login or consent page), and the config has no browser recipe: `authspec browser inspect --target https://as.example` writes one"),
		skip("i1", suite.RequiresReason(vocab.FeatureIntrospection, "the metadata has no introspection_endpoint")),
		skip("s1", "the resource answers HTTP 404 at https://as.example/x: nothing is served there; give resource: (or scoped_resource: for the scope checks)"),
		skip("c1", suite.RequiresReason(vocab.FeaturePublicClient, "no public client: configure clients.public, or the target must offer registration with token_endpoint_auth_method none")),
		skip("o1", "the response has no client_id_issued_at (it is OPTIONAL)"),
		skip("o2", "the metadata lists no scopes_supported"),
	}
	groups, rest := SkipGroups(results)
	assert.Equal(t, 2, rest, "reasons that name no setting: the target's own choices")
	require.Len(t, groups, 4)
	assert.Equal(t, SkipGroup{Need: "a protected resource", Enable: noResource, Key: "resource", IDs: []string{"r1", "r2", "r3", "s1"}}, groups[0])
	assert.Equal(t, "4 checks need a protected resource: "+noResource, groups[0].Line())
	assert.Equal(t, SkipGroup{Need: "login/consent steps", Enable: noBrowser, Key: "browser", IDs: []string{"b1", "b2"}}, groups[1])
	assert.Equal(t, "1 check needs an introspection endpoint: the metadata has no introspection_endpoint", groups[2].Line())
	assert.Equal(t, "clients.public", groups[3].Key)
	assert.Equal(t, "a public client", groups[3].Need)
}

func TestMostlySkipped(t *testing.T) {
	r := &Report{Results: make([]suite.Result, 10)}
	r.Summary.Skip = 5
	assert.Empty(t, MostlySkipped(r), "half is not most")
	r.Summary.Skip = 6
	assert.Equal(t, "Most of the catalog was skipped: 6 of 10 checks (60%) could not run against this target and config; the run saw little of the server.", MostlySkipped(r))
}
