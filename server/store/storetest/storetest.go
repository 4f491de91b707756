// Package storetest is the contract test suite of [store.Store]. Every
// implementation runs it from its own tests:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
//	}
//
// The suite checks what store.go documents and, where store.go is silent, the
// behaviour of the reference memory store that the server relies on:
//
//   - Errors: lookups of absent records report [store.ErrNotFound], duplicate
//     keys [store.ErrExists], second consumption or rotation
//     [store.ErrAlreadyUsed]. Errors may be wrapped; the suite uses errors.Is.
//   - Times: a store keeps instants to at least [Precision] (a microsecond).
//     The suite compares times with time.Time.Equal after truncating both sides
//     to Precision, so a store may return another location (UTC, say) but not
//     another instant. The zero time comes back as the zero time.
//   - Slices: an empty slice may come back nil and vice versa; the contents of
//     non-empty slices come back in order. Client.SecretHash and
//     Client.RegistrationTokenHash come back nil when empty, as documented, so
//     Client.Public works on what GetClient returns.
//   - Copies: a store keeps no reference to the values passed to it and hands
//     out values that share no memory with what it keeps; mutating either does
//     not change the stored record.
//   - Duplicates: SaveCode and SaveToken report ErrExists for a hash that is
//     stored already and leave the stored record (and its used, rotated and
//     revoked state) unchanged.
//   - ConsumeCode and RotateToken return the record with ErrAlreadyUsed on
//     every call after the first. RotateToken returns the token as it is after
//     the call (Rotated set); a token saved with Rotated set counts as rotated.
//   - RevokeToken of a revoked token succeeds. RevokeGrant of a grant without
//     tokens succeeds; RevokeGrant("") revokes nothing, not the tokens that
//     carry no grant. After RevokeGrant, SaveToken refuses tokens of the
//     grant with ErrRevoked, and a token saved while the grant is revoked is
//     revoked or refused, never active.
//   - GetCode reads without redeeming, with ErrAlreadyUsed once redeemed.
//   - Clients expire at ExpiresAt: GetClient then reports ErrNotFound and
//     CreateClient may reuse the ID; ExtendClient only postpones, and never
//     gives a client without expiry one; EvictClient deletes the client that
//     expires first among those expiring before a time, with what was issued
//     to it.
//   - UseOnce records a key once until it expires.
//   - Usage counts what is stored, in total and per client and grant.
//   - Concurrency: racing consumers of one code or rotators of one token see
//     exactly one success; concurrent updates of different flags of a token
//     (revoke, rotate) are not lost.
//
// Which client a code, token or consent names is not checked by the store: the
// suite neither requires nor forbids saving one for an unregistered client, and
// uses registered clients wherever that matters.
package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server/store"
)

// Precision is the coarsest time resolution a store may keep: the suite
// compares instants after truncating them to Precision.
const Precision = time.Microsecond

// racers is how many goroutines race each other in the concurrency tests.
const racers = 50

type contractTest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// contractTests lists the suite. Each test gets a freshly opened store.
var contractTests = []contractTest{
	{"ClientRoundTrip", testClientRoundTrip},
	{"ClientPublic", testClientPublic},
	{"CreateClientExists", testCreateClientExists},
	{"ClientNotFound", testClientNotFound},
	{"UpdateClient", testUpdateClient},
	{"DeleteClient", testDeleteClient},
	{"CodeRoundTripSingleUse", testCodeRoundTripSingleUse},
	{"CodeNotFound", testCodeNotFound},
	{"SaveCodeExists", testSaveCodeExists},
	{"BinaryHashKeys", testBinaryHashKeys},
	{"TokenRoundTrip", testTokenRoundTrip},
	{"TokenNotFound", testTokenNotFound},
	{"SaveTokenExists", testSaveTokenExists},
	{"RotateToken", testRotateToken},
	{"RevokeToken", testRevokeToken},
	{"RevokeGrant", testRevokeGrant},
	{"RevokeGrantEmptyID", testRevokeGrantEmptyID},
	{"Consent", testConsent},
	{"ConsentKeys", testConsentKeys},
	{"Copies", testCopies},
	{"CopiesOfHashes", testCopiesOfHashes},
	{"ConcurrentConsumeCode", testConcurrentConsumeCode},
	{"ConcurrentRotateToken", testConcurrentRotateToken},
	{"ConcurrentCreateClient", testConcurrentCreateClient},
	{"ConcurrentRevokeAndRotate", testConcurrentRevokeAndRotate},
	{"ConcurrentMixed", testConcurrentMixed},
	{"GetCode", testGetCode},
	{"RevokeGrantSticks", testRevokeGrantSticks},
	{"ConcurrentRevokeGrantAndSave", testConcurrentRevokeGrantAndSave},
	{"ClientExpiry", testClientExpiry},
	{"ExtendClient", testExtendClient},
	{"EvictClient", testEvictClient},
	{"UseOnce", testUseOnce},
	{"ConcurrentUseOnce", testConcurrentUseOnce},
	{"Usage", testUsage},
}

// Run runs the contract suite, one subtest per contract. open returns a new,
// empty store for the subtest t; Run closes it when the subtest ends (after
// cleanups registered later, before those registered by open, such as
// t.TempDir), so open must not close it itself.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	run(t, open, nil)
}

// run is Run with subtests to skip, by name, with the reason. It exists for
// implementations with a known, reported contract violation (see
// export_test.go); a name that is not a subtest fails the run.
func run(t *testing.T, open func(t *testing.T) store.Store, skip map[string]string) {
	t.Helper()
	known := make(map[string]bool, len(contractTests))
	for _, tc := range contractTests {
		known[tc.name] = true
	}
	for name := range skip {
		if !known[name] {
			t.Errorf("storetest: cannot skip %q: no such contract test", name)
		}
	}
	for _, tc := range contractTests {
		t.Run(tc.name, func(t *testing.T) {
			if why, ok := skip[tc.name]; ok {
				t.Skip(why)
			}
			s := open(t)
			require.NotNil(t, s, "open returned a nil store")
			t.Cleanup(func() { assert.NoError(t, s.Close(), "Close") })
			tc.fn(t, s)
		})
	}
}

// ---------------------------------------------------------------------------
// Fixtures

// now is the current time in UTC with its nanoseconds (so that stores have to
// cope with sub-Precision digits) and without a monotonic reading.
func now() time.Time { return time.Now().UTC() }

// fullMetadata sets every field of ClientMetadata, found by reflection so that
// a field added to store.ClientMetadata is round-tripped without a change here.
func fullMetadata(t *testing.T, id string) store.ClientMetadata {
	t.Helper()
	var md store.ClientMetadata
	v := reflect.ValueOf(&md).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("https://%s.example/%s", id, name))
		case f.Type() == reflect.TypeFor[[]string]():
			f.Set(reflect.ValueOf([]string{
				fmt.Sprintf("https://%s.example/%s/1", id, name),
				fmt.Sprintf("https://%s.example/%s/2", id, name),
			}))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Type() == reflect.TypeFor[json.RawMessage]():
			f.Set(reflect.ValueOf(json.RawMessage(fmt.Sprintf(`{"keys":[{"kty":"EC","kid":%q}]}`, id+" "+name))))
		default:
			t.Fatalf("storetest: fullMetadata cannot fill ClientMetadata.%s of type %s; extend it", name, f.Type())
		}
	}
	return md
}

// fullClient is a dynamically registered confidential client with every field
// set.
func fullClient(t *testing.T, id string, at time.Time) *store.Client {
	t.Helper()
	return &store.Client{
		ID:                    id,
		SecretHash:            store.Hash(id + " secret"),
		SecretExpiresAt:       at.Add(30 * 24 * time.Hour),
		RegistrationTokenHash: store.Hash(id + " registration access token"),
		IssuedAt:              at,
		ExpiresAt:             at.Add(24 * time.Hour),
		Metadata:              fullMetadata(t, id),
	}
}

// fullCode is a code with every field set, expiring in ten minutes.
func fullCode(name, clientID string, at time.Time) *store.Code {
	return &store.Code{
		Hash:                store.Hash("code " + name),
		ClientID:            clientID,
		RedirectURI:         "https://" + clientID + ".example/cb?x=" + name,
		Subject:             "alice",
		Scope:               "openid read write",
		Resources:           []string{"https://rs1.example/", "https://rs2.example/api"},
		CodeChallenge:       "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		CodeChallengeMethod: "S256",
		GrantID:             "grant " + name,
		IssuedAt:            at,
		ExpiresAt:           at.Add(10 * time.Minute),
		DPoPJKT:             "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
	}
}

// fullToken is a revoked, rotated refresh token with every field set.
func fullToken(name, clientID string, at time.Time) *store.Token {
	return &store.Token{
		Hash:      store.Hash("token " + name),
		Kind:      store.RefreshToken,
		ClientID:  clientID,
		Subject:   "alice",
		Scope:     "read write",
		Resources: []string{"https://rs1.example/", "https://rs2.example/api"},
		GrantID:   "grant " + name,
		IssuedAt:  at,
		ExpiresAt: at.Add(24 * time.Hour),
		Revoked:   true,
		Rotated:   true,
		JKT:       "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
	}
}

// token is an active token of grantID.
func token(name string, kind store.TokenKind, clientID, grantID string, at time.Time) *store.Token {
	return &store.Token{
		Hash:      store.Hash("token " + name),
		Kind:      kind,
		ClientID:  clientID,
		Subject:   "alice",
		Scope:     "read",
		Resources: []string{"https://rs.example/"},
		GrantID:   grantID,
		IssuedAt:  at,
		ExpiresAt: at.Add(time.Hour),
	}
}

func consent(subject, clientID, scope string, at time.Time) *store.Consent {
	return &store.Consent{Subject: subject, ClientID: clientID, Scope: scope, Granted: at}
}

// ---------------------------------------------------------------------------
// Comparison

var timeType = reflect.TypeFor[time.Time]()

// requireComplete fails unless every exported field of the struct v points to
// is set: fixtures that round-trip "every field" must notice new fields.
func requireComplete(t *testing.T, v any) {
	t.Helper()
	var unset []string
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if v.Kind() == reflect.Struct && v.Type() != timeType {
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
			return
		}
		if v.IsZero() || (v.Kind() == reflect.Slice && v.Len() == 0) {
			unset = append(unset, path)
		}
	}
	rv := reflect.Indirect(reflect.ValueOf(v))
	walk(rv.Type().Name(), rv)
	require.Empty(t, unset, "storetest: fixture leaves fields unset; set them so that they are round-tripped")
}

// differences lists where got differs from want under the suite's rules:
// times compared at Precision, empty and nil slices alike.
func differences(want, got any) []string {
	var diffs []string
	var walk func(path string, w, g reflect.Value)
	walk = func(path string, w, g reflect.Value) {
		switch {
		case w.Type() == timeType:
			wt, gt := w.Interface().(time.Time), g.Interface().(time.Time)
			if wt.IsZero() != gt.IsZero() || !wt.Truncate(Precision).Equal(gt.Truncate(Precision)) {
				diffs = append(diffs, fmt.Sprintf("%s: want %s, got %s", path, wt.Format(time.RFC3339Nano), gt.Format(time.RFC3339Nano)))
			}
		case w.Kind() == reflect.Struct:
			for i := range w.NumField() {
				if f := w.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, w.Field(i), g.Field(i))
				}
			}
		case w.Kind() == reflect.Slice && w.Len() == 0 && g.Len() == 0:
		default:
			if !reflect.DeepEqual(w.Interface(), g.Interface()) {
				diffs = append(diffs, fmt.Sprintf("%s: want %#v, got %#v", path, w.Interface(), g.Interface()))
			}
		}
	}
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	if w.Kind() == reflect.Pointer {
		if g.IsNil() {
			return []string{"got nil"}
		}
		w, g = w.Elem(), g.Elem()
	}
	walk(w.Type().Name(), w, g)
	return diffs
}

// assertSame checks that got equals want under the suite's rules.
func assertSame(t *testing.T, want, got any, msgAndArgs ...any) bool {
	t.Helper()
	diffs := differences(want, got)
	if len(diffs) == 0 {
		return true
	}
	return assert.Fail(t, "stored record differs:\n\t"+strings.Join(diffs, "\n\t"), msgAndArgs...)
}

// ---------------------------------------------------------------------------
// Clients

// ---------------------------------------------------------------------------
// Codes

// ---------------------------------------------------------------------------
// Tokens

// ---------------------------------------------------------------------------
// Consents

// ---------------------------------------------------------------------------
// Copies

// ---------------------------------------------------------------------------
// Concurrency

// ---------------------------------------------------------------------------
// Redemption checks, sticky revocation, client expiry, single use, usage
