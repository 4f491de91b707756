package httpx

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expressions findJSONMembers stands for: a name, then a string value
// matched by (?:[^"\\]|\\.)*".
var (
	jsonSecretWhole = regexp.MustCompile(`"(client_secret|access_token|refresh_token|registration_access_token|id_token|code|code_verifier|password|device_code|client_assertion)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
	jsonIssuedWhole = regexp.MustCompile(`"(access_token|refresh_token|registration_access_token|id_token|client_secret|device_code)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
)

// TestFindJSONMembers_AsTheExpression: on texts made of the pieces that
// matter (quotes, backslashes, newlines, colons, spaces, names, bytes that
// are not UTF-8), findJSONMembers finds what the whole expression finds,
// and redactJSONMembers writes what its replacement wrote.
func TestFindJSONMembers_AsTheExpression(t *testing.T) {
	pieces := []string{`"`, `\`, `\"`, `\\`, "\n", ":", " ", "\t", "a", "é", "\xe2", "\xe2\x82", "}", ",", `"code"`, `"code_verifier"`,
		`"access_token"`, `"client_secret"`, `"password"`, `"id_token"`, `"client_id"`, `"codes"`, `: "`, `":"`}
	rng := rand.New(rand.NewPCG(15, 2026))
	cases := []string{``, `{"access_token":"` + strings.Repeat("A", 1<<16), `{"code":"a\"b","password" : "p\\","x":"y"}`,
		`"code":"a\` + "\n" + `b" "code":"c"`, `"code":"` + "\xe2\"" + `"`}
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		for _, c := range []struct {
			whole, key *regexp.Regexp
			n          int
		}{{jsonSecretWhole, jsonSecretKey, -1}, {jsonIssuedWhole, jsonIssuedKey, maxLearnedPerReply}, {jsonSecretWhole, jsonSecretKey, 2}} {
			want := c.whole.FindAllStringSubmatchIndex(s, c.n)
			got := findJSONMembers(s, c.key, c.n)
			require.Len(t, got, len(want), "%q", s)
			for i, w := range want {
				assert.Equal(t, w[0], got[i].start, "%q", s)
				assert.Equal(t, w[1], got[i].end, "%q", s)
				assert.Equal(t, s[w[2]:w[3]], got[i].name, "%q", s)
				assert.Equal(t, s[w[4]:w[5]], got[i].sep, "%q", s)
				assert.Equal(t, s[w[6]:w[7]], got[i].value, "%q", s)
			}
		}
		require.Equal(t, jsonSecretWhole.ReplaceAllString(s, `"$1"$2"`+Redacted+`"`), redactJSONMembers(s), "%q", s)
	}
}
