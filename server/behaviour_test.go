package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// TestBehaviours_Declared holds every declaration of behaviour_table.go to
// its form: a unique name (aliases included), a section of a specification,
// a one-line summary, and for a variant the sentence that permits it.
func TestBehaviours_Declared(t *testing.T) {
	name := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	section := regexp.MustCompile(`^((RFC \d+|OAuth 2\.1) §\d+(\.\d+)*|MCP authorization(, | §)\S.*)$`)
	seen := map[string]bool{}
	bs := server.Behaviours()
	require.NotEmpty(t, bs)
	for _, b := range bs {
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			assert.Regexp(t, name, n)
			assert.False(t, seen[n], "%s is declared twice", n)
			seen[n] = true
		}
		assert.Contains(t, []server.Kind{server.KindFault, server.KindVariant}, b.Kind, b.Name)
		assert.Regexp(t, section, b.Section, b.Name)
		assert.NotEmpty(t, b.Summary, b.Name)
		assert.NotContains(t, b.Summary, "\n", b.Name)
		if b.Kind == server.KindVariant {
			assert.Regexp(t, `"[^"]+"`, b.Summary, "%s: a variant quotes the sentence that permits it", b.Name)
		}
	}
	assert.Equal(t, len(bs), len(server.Faults())+len(server.Variants()))
}

func TestParseFault(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{name: "a fault", in: "code-reuse", want: "code-reuse"},
		{name: "spaces around", in: " code-reuse ", want: "code-reuse"},
		{name: "a former name", in: "token-error-not-json", want: "error-not-json"},
		{name: "a typo", in: "code-resue", err: `unknown fault "code-resue"; did you mean code-reuse?`},
		{name: "a part of names", in: "pkce-verifier", err: "did you mean pkce-verifier-optional, pkce-verifier-unchecked, pkce-verifier-base64url-only"},
		{name: "nothing like it", in: "no-such-thing-at-all", err: `unknown fault "no-such-thing-at-all" (see --list-faults)`},
		{name: "a variant", in: "token-type-lowercase", err: `"token-type-lowercase" is a variant, not a fault (use --variant token-type-lowercase)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := server.ParseFault(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, server.Fault(tt.want), got)
		})
	}
}

func TestParseVariant(t *testing.T) {
	got, err := server.ParseVariant("token-type-lowercase")
	require.NoError(t, err)
	assert.Equal(t, server.VariantTokenTypeLowercase, got)
	_, err = server.ParseVariant("code-reuse")
	assert.EqualError(t, err, `"code-reuse" is a fault, not a variant (use --fault code-reuse)`)
	_, err = server.ParseVariant("token-type-lower")
	assert.ErrorContains(t, err, "did you mean token-type-lowercase?")
}

// TestVariant_TokenTypeLowercase: the variant changes token_type and
// nothing else the contract fixes (the contract hook checks every
// response).
func TestVariant_TokenTypeLowercase(t *testing.T) {
	e := newEnv(t, server.Config{Variants: []server.Variant{server.VariantTokenTypeLowercase}})
	c := e.register(map[string]any{"redirect_uris": []string{"https://app.example/cb"},
		"grant_types": []string{"authorization_code", "refresh_token", "client_credentials"}})
	tok := e.tokens(c, url.Values{"resource": {e.srv.ResourceURL()}})
	assert.Equal(t, "bearer", tok["token_type"])
	r := e.postForm("/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, c.ID, c.Secret)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "bearer", r.json(t)["token_type"])
	assert.Equal(t, http.StatusOK, e.callResource(tok["access_token"].(string)).status)
}

func TestNew_UnknownBehaviour(t *testing.T) {
	_, err := server.New(server.Config{Issuer: "http://127.0.0.1:1", Faults: []server.Fault{"code-resue"}})
	assert.ErrorContains(t, err, "did you mean code-reuse?")
	_, err = server.New(server.Config{Issuer: "http://127.0.0.1:1", Variants: []server.Variant{"code-reuse"}})
	assert.EqualError(t, err, `server: "code-reuse" is a fault, not a variant (use --fault code-reuse)`)
	// A former name switches the behaviour on.
	_, err = server.New(server.Config{Issuer: "http://127.0.0.1:1", Faults: []server.Fault{"token-error-not-json"}})
	assert.NoError(t, err)
}
