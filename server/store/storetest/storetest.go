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
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
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

// assertOneWins checks the errors of the racers of a round of a single-use
// operation (what the winner does): exactly one racer succeeds and every
// other sees a replay. check checks the record each of them got.
func assertOneWins(t *testing.T, round int, what string, errs []error, check func(i int)) {
	t.Helper()
	wins, replays := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, store.ErrAlreadyUsed):
			replays++
		default:
			t.Errorf("round %d, racer %d: %v", round, i, err)
			continue
		}
		check(i)
	}
	assert.Equal(t, 1, wins, "round %d: exactly one racer %s", round, what)
	assert.Equal(t, racers-1, replays, "round %d: every other racer sees a replay", round)
}

// race runs fn(0..n-1) in n goroutines released at once and waits for them.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// ---------------------------------------------------------------------------
// Clients

func testClientRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()

	full := fullClient(t, "client-full", at)
	requireComplete(t, full)
	require.NoError(t, s.CreateClient(ctx, full))
	got, err := s.GetClient(ctx, full.ID)
	require.NoError(t, err)
	assertSame(t, full, got)
	assert.False(t, got.Public(), "a client with a secret is confidential")

	// A minimal client in another time zone: zero times stay zero, the instant
	// of IssuedAt survives whatever location the store returns it in.
	zone := time.FixedZone("UTC+05:30", 5*3600+30*60)
	minimal := &store.Client{ID: "client-minimal", IssuedAt: at.In(zone)}
	require.NoError(t, s.CreateClient(ctx, minimal))
	got, err = s.GetClient(ctx, minimal.ID)
	require.NoError(t, err)
	assertSame(t, minimal, got)
	assert.True(t, got.SecretExpiresAt.IsZero(), "zero SecretExpiresAt (never) stays zero")
	assert.Empty(t, got.Metadata.RedirectURIs)

	// Precision: an instant with exactly Precision resolution comes back equal
	// without any truncation.
	exact := &store.Client{ID: "client-exact", IssuedAt: time.Date(2031, 7, 9, 13, 14, 15, 123456000, time.UTC)}
	require.NoError(t, s.CreateClient(ctx, exact))
	got, err = s.GetClient(ctx, exact.ID)
	require.NoError(t, err)
	assert.True(t, exact.IssuedAt.Equal(got.IssuedAt), "want %s, got %s", exact.IssuedAt, got.IssuedAt)

	// IDs are exact: no case folding, no trimming.
	for _, id := range []string{"Client-Full", "client-full ", " client-full"} {
		_, err := s.GetClient(ctx, id)
		assert.ErrorIs(t, err, store.ErrNotFound, "GetClient(%q)", id)
	}
}

func testClientPublic(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for _, c := range []*store.Client{
		{ID: "nil-hashes", IssuedAt: at},
		{ID: "empty-hashes", SecretHash: []byte{}, RegistrationTokenHash: []byte{}, IssuedAt: at},
	} {
		require.NoError(t, s.CreateClient(ctx, c))
		got, err := s.GetClient(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, got.Public(), "%s: a client without a secret is public", c.ID)
		assert.Nil(t, got.SecretHash, "%s: SecretHash is nil for public clients", c.ID)
		assert.Nil(t, got.RegistrationTokenHash, "%s: RegistrationTokenHash is nil for clients not registered dynamically", c.ID)
	}

	// Turning a confidential client public, as RFC 7592 updates do.
	c := fullClient(t, "turns-public", at)
	require.NoError(t, s.CreateClient(ctx, c))
	c.SecretHash = nil
	require.NoError(t, s.UpdateClient(ctx, c))
	got, err := s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	assert.True(t, got.Public())
	assert.Nil(t, got.SecretHash)
	assert.True(t, store.EqualHash(got.RegistrationTokenHash, "turns-public registration access token"))
}

func testCreateClientExists(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullClient(t, "taken", at)
	require.NoError(t, s.CreateClient(ctx, c))

	other := fullClient(t, "taken", at.Add(time.Hour))
	other.SecretHash = store.Hash("another secret")
	other.Metadata.ClientName = "impostor"
	err := s.CreateClient(ctx, other)
	require.ErrorIs(t, err, store.ErrExists)

	got, err := s.GetClient(ctx, "taken")
	require.NoError(t, err)
	assertSame(t, fullClient(t, "taken", at), got, "a failed create leaves the stored client alone")
}

func testClientNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "present", IssuedAt: now()}))

	_, err := s.GetClient(ctx, "absent")
	assert.ErrorIs(t, err, store.ErrNotFound, "GetClient")
	_, err = s.GetClient(ctx, "")
	assert.ErrorIs(t, err, store.ErrNotFound, "GetClient of the empty ID")
	assert.ErrorIs(t, s.UpdateClient(ctx, &store.Client{ID: "absent", IssuedAt: now()}), store.ErrNotFound, "UpdateClient")
	assert.ErrorIs(t, s.DeleteClient(ctx, "absent"), store.ErrNotFound, "DeleteClient")

	_, err = s.GetClient(ctx, "absent")
	assert.ErrorIs(t, err, store.ErrNotFound, "UpdateClient of an absent client must not create it")
	_, err = s.GetClient(ctx, "present")
	assert.NoError(t, err)
}

func testUpdateClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullClient(t, "updated", at)
	bystander := fullClient(t, "bystander", at)
	require.NoError(t, s.CreateClient(ctx, c))
	require.NoError(t, s.CreateClient(ctx, bystander))
	tok := token("of updated", store.AccessToken, c.ID, "g", at)
	require.NoError(t, s.SaveToken(ctx, tok))
	require.NoError(t, s.SaveConsent(ctx, consent("alice", c.ID, "read", at)))

	// UpdateClient replaces the record: fields left empty are cleared.
	replacement := &store.Client{
		ID:       c.ID,
		IssuedAt: at.Add(time.Minute),
		Metadata: store.ClientMetadata{
			RedirectURIs:            []string{"https://new.example/cb"},
			TokenEndpointAuthMethod: "none",
			ClientName:              "Renamed",
		},
	}
	require.NoError(t, s.UpdateClient(ctx, replacement))
	got, err := s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	assertSame(t, replacement, got)
	assert.Nil(t, got.SecretHash)
	assert.Nil(t, got.RegistrationTokenHash)

	got, err = s.GetClient(ctx, bystander.ID)
	require.NoError(t, err)
	assertSame(t, bystander, got, "updating one client leaves the others alone")

	// Updating a client keeps what was issued to it.
	gotTok, err := s.GetToken(ctx, tok.Hash)
	require.NoError(t, err)
	assertSame(t, tok, gotTok)
	_, err = s.GetConsent(ctx, "alice", c.ID)
	require.NoError(t, err)
}

func testDeleteClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()

	type issued struct {
		unused, used *store.Code
		access       *store.Token
		refresh      *store.Token
	}
	issue := func(clientID string) issued {
		is := issued{
			unused:  fullCode(clientID+" unused", clientID, at),
			used:    fullCode(clientID+" used", clientID, at),
			access:  token(clientID+" access", store.AccessToken, clientID, "grant of "+clientID, at),
			refresh: token(clientID+" refresh", store.RefreshToken, clientID, "grant of "+clientID, at),
		}
		require.NoError(t, s.CreateClient(ctx, fullClient(t, clientID, at)))
		require.NoError(t, s.SaveCode(ctx, is.unused))
		require.NoError(t, s.SaveCode(ctx, is.used))
		_, err := s.ConsumeCode(ctx, is.used.Hash)
		require.NoError(t, err)
		require.NoError(t, s.SaveToken(ctx, is.access))
		require.NoError(t, s.SaveToken(ctx, is.refresh))
		require.NoError(t, s.SaveConsent(ctx, consent("alice", clientID, "read", at)))
		require.NoError(t, s.SaveConsent(ctx, consent("bob", clientID, "write", at)))
		return is
	}
	victim, bystander := issue("victim"), issue("bystander")

	require.NoError(t, s.DeleteClient(ctx, "victim"))

	_, err := s.GetClient(ctx, "victim")
	assert.ErrorIs(t, err, store.ErrNotFound, "client")
	for _, c := range []*store.Code{victim.unused, victim.used} {
		_, err := s.ConsumeCode(ctx, c.Hash)
		assert.ErrorIs(t, err, store.ErrNotFound, "code %s", c.GrantID)
	}
	for _, tk := range []*store.Token{victim.access, victim.refresh} {
		_, err := s.GetToken(ctx, tk.Hash)
		assert.ErrorIs(t, err, store.ErrNotFound, "GetToken %s", tk.Kind)
		_, err = s.RotateToken(ctx, tk.Hash)
		assert.ErrorIs(t, err, store.ErrNotFound, "RotateToken %s", tk.Kind)
		assert.ErrorIs(t, s.RevokeToken(ctx, tk.Hash), store.ErrNotFound, "RevokeToken %s", tk.Kind)
	}
	for _, sub := range []string{"alice", "bob"} {
		_, err := s.GetConsent(ctx, sub, "victim")
		assert.ErrorIs(t, err, store.ErrNotFound, "consent of %s", sub)
	}

	// Nothing of the other client went with it.
	_, err = s.GetClient(ctx, "bystander")
	assert.NoError(t, err)
	got, err := s.ConsumeCode(ctx, bystander.unused.Hash)
	assert.NoError(t, err, "unused code of another client")
	assertSame(t, bystander.unused, got)
	_, err = s.ConsumeCode(ctx, bystander.used.Hash)
	assert.ErrorIs(t, err, store.ErrAlreadyUsed, "used code of another client")
	for _, tk := range []*store.Token{bystander.access, bystander.refresh} {
		got, err := s.GetToken(ctx, tk.Hash)
		if assert.NoError(t, err, "token of another client") {
			assertSame(t, tk, got)
		}
	}
	for _, sub := range []string{"alice", "bob"} {
		_, err := s.GetConsent(ctx, sub, "bystander")
		assert.NoError(t, err, "consent of %s for another client", sub)
	}

	assert.ErrorIs(t, s.DeleteClient(ctx, "victim"), store.ErrNotFound, "deleting twice")

	// A client registered again under the same ID starts afresh.
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "victim", IssuedAt: at}))
	_, err = s.GetToken(ctx, victim.access.Hash)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetConsent(ctx, "alice", "victim")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ConsumeCode(ctx, victim.unused.Hash)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// ---------------------------------------------------------------------------
// Codes

func testCodeRoundTripSingleUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.CreateClient(ctx, &store.Client{ID: "c", IssuedAt: at}))

	full := fullCode("full", "c", at)
	requireComplete(t, full)
	other := fullCode("other", "c", at)
	require.NoError(t, s.SaveCode(ctx, full))
	require.NoError(t, s.SaveCode(ctx, other))

	got, err := s.ConsumeCode(ctx, full.Hash)
	require.NoError(t, err, "first redemption")
	assertSame(t, full, got)

	for i := range 3 {
		got, err := s.ConsumeCode(ctx, full.Hash)
		require.ErrorIs(t, err, store.ErrAlreadyUsed, "redemption %d", i+2)
		require.NotNil(t, got, "a replayed code is returned so that the caller can revoke its grant")
		assertSame(t, full, got)
	}

	got, err = s.ConsumeCode(ctx, other.Hash)
	require.NoError(t, err, "consuming one code leaves the others unused")
	assertSame(t, other, got)

	// A minimal code (a public client that sent no redirect_uri, no PKCE, no
	// resource) round-trips with its empty fields empty.
	minimal := &store.Code{Hash: store.Hash("code minimal"), ClientID: "c", GrantID: "g-min", IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
	require.NoError(t, s.SaveCode(ctx, minimal))
	got, err = s.ConsumeCode(ctx, minimal.Hash)
	require.NoError(t, err)
	assertSame(t, minimal, got)
	assert.Empty(t, got.Resources)
	assert.Empty(t, got.RedirectURI)

	// Empty (not nil) resources are as good as none.
	empty := &store.Code{Hash: store.Hash("code empty"), ClientID: "c", Resources: []string{}, IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
	require.NoError(t, s.SaveCode(ctx, empty))
	got, err = s.ConsumeCode(ctx, empty.Hash)
	require.NoError(t, err)
	assert.Empty(t, got.Resources)
}

func testCodeNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.SaveCode(ctx, fullCode("present", "c", at)))
	for name, h := range map[string][]byte{
		"unknown": store.Hash("code absent"),
		"nil":     nil,
		"empty":   {},
		"prefix":  store.Hash("code present")[:16],
	} {
		got, err := s.ConsumeCode(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "%s hash", name)
		assert.Nil(t, got, "%s hash", name)
	}
	_, err := s.ConsumeCode(ctx, store.Hash("code present"))
	assert.NoError(t, err, "failed lookups do not consume other codes")
}

func testSaveCodeExists(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullCode("dup", "c", at)
	require.NoError(t, s.SaveCode(ctx, c))

	other := fullCode("dup", "attacker", at.Add(time.Minute))
	other.Scope = "admin"
	require.ErrorIs(t, s.SaveCode(ctx, other), store.ErrExists)

	got, err := s.ConsumeCode(ctx, c.Hash)
	require.NoError(t, err)
	assertSame(t, c, got, "a failed save leaves the stored code alone")

	// Saving a used code again must not make it redeemable again.
	require.ErrorIs(t, s.SaveCode(ctx, fullCode("dup", "c", at)), store.ErrExists)
	_, err = s.ConsumeCode(ctx, c.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
}

// testBinaryHashKeys checks that hashes are keys as raw bytes: NUL and
// non-UTF-8 bytes, prefixes and near misses are all distinct.
func testBinaryHashKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	base := make([]byte, 32)
	for i := range base {
		base[i] = byte(i * 37) // 0x00 first, non-UTF-8 bytes later
	}
	lastFlipped := append([]byte(nil), base...)
	lastFlipped[31] ^= 0xff
	hashes := map[string][]byte{
		"base":         base,
		"last flipped": lastFlipped,
		"prefix":       append([]byte(nil), base[:31]...),
		"all zero":     make([]byte, 32),
		"all ones":     []byte(strings.Repeat("\xff", 32)),
	}
	for name, h := range hashes {
		c := &store.Code{Hash: h, ClientID: name, IssuedAt: at, ExpiresAt: at.Add(time.Minute)}
		require.NoError(t, s.SaveCode(ctx, c), "code %s", name)
		tk := &store.Token{Hash: h, Kind: store.AccessToken, ClientID: name, GrantID: name, IssuedAt: at}
		require.NoError(t, s.SaveToken(ctx, tk), "token %s", name)
	}
	for name, h := range hashes {
		c, err := s.ConsumeCode(ctx, h)
		if assert.NoError(t, err, "code %s", name) {
			assert.Equal(t, name, c.ClientID, "code %s", name)
			assert.Equal(t, h, c.Hash, "code %s", name)
		}
		tk, err := s.GetToken(ctx, h)
		if assert.NoError(t, err, "token %s", name) {
			assert.Equal(t, name, tk.ClientID, "token %s", name)
			assert.Equal(t, h, tk.Hash, "token %s", name)
		}
	}
	require.NoError(t, s.RevokeToken(ctx, base))
	tk, err := s.GetToken(ctx, lastFlipped)
	require.NoError(t, err)
	assert.False(t, tk.Revoked, "revoking one hash does not revoke a near miss")
}

// ---------------------------------------------------------------------------
// Tokens

func testTokenRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()

	full := fullToken("full", "c", at)
	requireComplete(t, full)
	require.NoError(t, s.SaveToken(ctx, full))
	got, err := s.GetToken(ctx, full.Hash)
	require.NoError(t, err, "GetToken returns revoked tokens too")
	assertSame(t, full, got)
	assert.False(t, got.Active(at), "a revoked token is inactive")

	// A client-credentials access token: no subject, no resources, no expiry.
	cc := &store.Token{Hash: store.Hash("token cc"), Kind: store.AccessToken, ClientID: "c", Scope: "read", GrantID: "g-cc", IssuedAt: at}
	require.NoError(t, s.SaveToken(ctx, cc))
	got, err = s.GetToken(ctx, cc.Hash)
	require.NoError(t, err)
	assertSame(t, cc, got)
	assert.Equal(t, store.AccessToken, got.Kind)
	assert.True(t, got.ExpiresAt.IsZero(), "zero ExpiresAt (does not expire) stays zero")
	assert.True(t, got.Active(at.Add(100*365*24*time.Hour)), "a token without expiry stays active")

	// Expiry is kept to the microsecond, so Active agrees with the caller's.
	exp := &store.Token{Hash: store.Hash("token exp"), Kind: store.AccessToken, ClientID: "c", GrantID: "g-exp",
		IssuedAt: at, ExpiresAt: at.Truncate(Precision).Add(time.Hour)}
	require.NoError(t, s.SaveToken(ctx, exp))
	got, err = s.GetToken(ctx, exp.Hash)
	require.NoError(t, err)
	assert.True(t, got.Active(exp.ExpiresAt.Add(-Precision)))
	assert.False(t, got.Active(exp.ExpiresAt))
}

func testTokenNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	present := token("present", store.RefreshToken, "c", "g", now())
	require.NoError(t, s.SaveToken(ctx, present))
	for name, h := range map[string][]byte{
		"unknown": store.Hash("token absent"),
		"nil":     nil,
		"empty":   {},
		"prefix":  present.Hash[:16],
	} {
		got, err := s.GetToken(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "GetToken, %s hash", name)
		assert.Nil(t, got, "GetToken, %s hash", name)
		got, err = s.RotateToken(ctx, h)
		assert.ErrorIs(t, err, store.ErrNotFound, "RotateToken, %s hash", name)
		assert.Nil(t, got, "RotateToken, %s hash", name)
		assert.ErrorIs(t, s.RevokeToken(ctx, h), store.ErrNotFound, "RevokeToken, %s hash", name)
	}
	got, err := s.GetToken(ctx, present.Hash)
	require.NoError(t, err)
	assertSame(t, present, got, "failed lookups leave other tokens alone")
}

func testSaveTokenExists(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	tk := token("dup", store.RefreshToken, "c", "g", at)
	require.NoError(t, s.SaveToken(ctx, tk))
	_, err := s.RotateToken(ctx, tk.Hash)
	require.NoError(t, err)
	require.NoError(t, s.RevokeToken(ctx, tk.Hash))

	again := token("dup", store.RefreshToken, "attacker", "g2", at.Add(time.Hour))
	require.ErrorIs(t, s.SaveToken(ctx, again), store.ErrExists)

	got, err := s.GetToken(ctx, tk.Hash)
	require.NoError(t, err)
	want := *tk
	want.Rotated, want.Revoked = true, true
	assertSame(t, &want, got, "a failed save neither overwrites the token nor resets its state")
}

func testRotateToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	rt := token("rt", store.RefreshToken, "c", "g", at)
	sibling := token("sibling", store.RefreshToken, "c", "g", at)
	at1 := token("at", store.AccessToken, "c", "g", at)
	for _, tk := range []*store.Token{rt, sibling, at1} {
		require.NoError(t, s.SaveToken(ctx, tk))
	}

	want := *rt
	want.Rotated = true
	got, err := s.RotateToken(ctx, rt.Hash)
	require.NoError(t, err, "first rotation")
	assertSame(t, &want, got, "RotateToken returns the token, now rotated")

	for i := range 3 {
		got, err := s.RotateToken(ctx, rt.Hash)
		require.ErrorIs(t, err, store.ErrAlreadyUsed, "rotation %d", i+2)
		require.NotNil(t, got, "a replayed token is returned so that the caller can revoke its family")
		assertSame(t, &want, got)
	}

	got, err = s.GetToken(ctx, rt.Hash)
	require.NoError(t, err)
	assertSame(t, &want, got, "the rotation is stored; it revokes nothing")
	assert.True(t, got.Active(at), "a rotated token is not revoked by the store")

	for _, tk := range []*store.Token{sibling, at1} {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assertSame(t, tk, got, "rotating one token leaves its family alone")
	}

	// A token saved as rotated has been rotated.
	pre := token("pre-rotated", store.RefreshToken, "c", "g", at)
	pre.Rotated = true
	require.NoError(t, s.SaveToken(ctx, pre))
	got, err = s.RotateToken(ctx, pre.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	assertSame(t, pre, got)
}

func testRevokeToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	a := token("a", store.RefreshToken, "c", "g", at)
	a.Rotated = true
	b := token("b", store.AccessToken, "c", "g", at)
	require.NoError(t, s.SaveToken(ctx, a))
	require.NoError(t, s.SaveToken(ctx, b))

	require.NoError(t, s.RevokeToken(ctx, a.Hash))
	want := *a
	want.Revoked = true
	got, err := s.GetToken(ctx, a.Hash)
	require.NoError(t, err, "a revoked token can still be read")
	assertSame(t, &want, got, "RevokeToken sets Revoked and nothing else")
	assert.False(t, got.Active(at))

	got, err = s.GetToken(ctx, b.Hash)
	require.NoError(t, err)
	assertSame(t, b, got, "RevokeToken revokes one token, not its grant")

	assert.NoError(t, s.RevokeToken(ctx, a.Hash), "revoking twice is not an error")
	got, err = s.GetToken(ctx, a.Hash)
	require.NoError(t, err)
	assertSame(t, &want, got)
}

func testRevokeGrant(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	rotated := token("family rotated", store.RefreshToken, "c1", "family", at)
	rotated.Rotated = true
	family := []*store.Token{
		token("family access", store.AccessToken, "c1", "family", at),
		token("family refresh", store.RefreshToken, "c1", "family", at),
		rotated,
		token("family expired", store.AccessToken, "c1", "family", at.Add(-90*time.Minute)),
		// "every token carrying grantID", whichever client holds it
		token("family elsewhere", store.AccessToken, "c2", "family", at),
	}
	others := []*store.Token{
		token("other grant", store.RefreshToken, "c1", "other", at),
		token("prefix grant", store.RefreshToken, "c1", "famil", at),
		token("longer grant", store.RefreshToken, "c1", "family2", at),
		token("no grant", store.AccessToken, "c1", "", at),
	}
	for _, tk := range append(append([]*store.Token(nil), family...), others...) {
		require.NoError(t, s.SaveToken(ctx, tk))
	}

	require.NoError(t, s.RevokeGrant(ctx, "family"))
	for i, tk := range family {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		want := *tk
		want.Revoked = true
		assertSame(t, &want, got, "family member %d", i)
	}
	for _, tk := range others {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assertSame(t, tk, got, "token of grant %q", tk.GrantID)
	}

	assert.NoError(t, s.RevokeGrant(ctx, "family"), "revoking a grant twice")
	assert.NoError(t, s.RevokeGrant(ctx, "no such grant"), "revoking a grant without tokens")
}

func testRevokeGrantEmptyID(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	a := token("a", store.AccessToken, "c", "", at)
	b := token("b", store.RefreshToken, "c2", "", at)
	require.NoError(t, s.SaveToken(ctx, a))
	require.NoError(t, s.SaveToken(ctx, b))
	require.NoError(t, s.RevokeGrant(ctx, ""))
	for _, tk := range []*store.Token{a, b} {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		assert.False(t, got.Revoked, "RevokeGrant(\"\") must not revoke the tokens without a grant")
	}
}

// ---------------------------------------------------------------------------
// Consents

func testConsent(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := consent("alice", "c1", "read", at)
	requireComplete(t, c)
	require.NoError(t, s.SaveConsent(ctx, c))
	got, err := s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, c, got)

	for _, k := range [][2]string{{"bob", "c1"}, {"alice", "c2"}, {"c1", "alice"}, {"", ""}} {
		_, err := s.GetConsent(ctx, k[0], k[1])
		assert.ErrorIs(t, err, store.ErrNotFound, "GetConsent(%q, %q)", k[0], k[1])
	}

	// SaveConsent replaces.
	replaced := consent("alice", "c1", "read write", at.Add(time.Hour))
	require.NoError(t, s.SaveConsent(ctx, replaced))
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, replaced, got)

	// A narrower consent replaces a wider one, too.
	narrower := consent("alice", "c1", "", at.Add(2*time.Hour))
	require.NoError(t, s.SaveConsent(ctx, narrower))
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, narrower, got)

	bob := consent("bob", "c1", "write", at)
	require.NoError(t, s.SaveConsent(ctx, bob))
	got, err = s.GetConsent(ctx, "bob", "c1")
	require.NoError(t, err)
	assertSame(t, bob, got)
	got, err = s.GetConsent(ctx, "alice", "c1")
	require.NoError(t, err)
	assertSame(t, narrower, got, "consents of different subjects are separate")
}

// testConsentKeys checks that (subject, client) pairs do not collide however
// an implementation might join them.
func testConsentKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	var pairs [][2]string
	for _, sep := range []string{"", " ", "\x00", "|", ":", "/", "\n", "\t"} {
		pairs = append(pairs, [2]string{"x" + sep + "y", "z"}, [2]string{"x", "y" + sep + "z"})
	}
	for i, p := range pairs {
		require.NoError(t, s.SaveConsent(ctx, consent(p[0], p[1], fmt.Sprintf("scope-%d", i), at)))
	}
	for i, p := range pairs {
		got, err := s.GetConsent(ctx, p[0], p[1])
		if assert.NoError(t, err, "GetConsent(%q, %q)", p[0], p[1]) {
			assert.Equal(t, fmt.Sprintf("scope-%d", i), got.Scope, "GetConsent(%q, %q)", p[0], p[1])
		}
	}
}

// ---------------------------------------------------------------------------
// Copies

func testCopies(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()

	// Clients: the value passed in, then the value handed out, are mutated.
	c := fullClient(t, "c", at)
	require.NoError(t, s.CreateClient(ctx, c))
	mutateClient(c)
	got, err := s.GetClient(ctx, "c")
	require.NoError(t, err)
	assertSame(t, fullClient(t, "c", at), got, "mutating the client passed to CreateClient")
	mutateClient(got)
	got, err = s.GetClient(ctx, "c")
	require.NoError(t, err)
	assertSame(t, fullClient(t, "c", at), got, "mutating the client GetClient returned")

	u := fullClient(t, "c", at.Add(time.Minute))
	require.NoError(t, s.UpdateClient(ctx, u))
	mutateClient(u)
	got, err = s.GetClient(ctx, "c")
	require.NoError(t, err)
	assertSame(t, fullClient(t, "c", at.Add(time.Minute)), got, "mutating the client passed to UpdateClient")

	// Codes.
	code := fullCode("c", "c", at)
	require.NoError(t, s.SaveCode(ctx, code))
	code.Resources[0] = "https://mutated.example/"
	code.Scope = "mutated"
	gotCode, err := s.ConsumeCode(ctx, fullCode("c", "c", at).Hash)
	require.NoError(t, err)
	assertSame(t, fullCode("c", "c", at), gotCode, "mutating the code passed to SaveCode")
	gotCode.Resources[0] = "https://mutated.example/"
	gotCode.Resources = append(gotCode.Resources[:1], "https://appended.example/")
	gotCode, err = s.ConsumeCode(ctx, fullCode("c", "c", at).Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	assertSame(t, fullCode("c", "c", at), gotCode, "mutating the code ConsumeCode returned")

	// Tokens.
	pristine := func() *store.Token { return token("t", store.RefreshToken, "c", "g", at) }
	tk := pristine()
	require.NoError(t, s.SaveToken(ctx, tk))
	tk.Resources[0] = "https://mutated.example/"
	tk.Revoked = true
	gotTok, err := s.GetToken(ctx, pristine().Hash)
	require.NoError(t, err)
	assertSame(t, pristine(), gotTok, "mutating the token passed to SaveToken")
	gotTok.Resources[0] = "https://mutated.example/"
	gotTok.Revoked, gotTok.Rotated = true, true
	gotTok, err = s.GetToken(ctx, pristine().Hash)
	require.NoError(t, err)
	assertSame(t, pristine(), gotTok, "mutating the token GetToken returned")
	gotTok, err = s.RotateToken(ctx, pristine().Hash)
	require.NoError(t, err)
	gotTok.Resources[0] = "https://mutated.example/"
	gotTok.Rotated = false
	gotTok, err = s.GetToken(ctx, pristine().Hash)
	require.NoError(t, err)
	rotated := pristine()
	rotated.Rotated = true
	assertSame(t, rotated, gotTok, "mutating the token RotateToken returned")

	// Consents.
	cs := consent("alice", "c", "read", at)
	require.NoError(t, s.SaveConsent(ctx, cs))
	cs.Scope = "mutated"
	gotCons, err := s.GetConsent(ctx, "alice", "c")
	require.NoError(t, err)
	assertSame(t, consent("alice", "c", "read", at), gotCons, "mutating the consent passed to SaveConsent")
	gotCons.Scope = "mutated"
	gotCons, err = s.GetConsent(ctx, "alice", "c")
	require.NoError(t, err)
	assertSame(t, consent("alice", "c", "read", at), gotCons, "mutating the consent GetConsent returned")
}

// mutateClient changes every byte and string the client's slices hold, and
// its scalar fields.
func mutateClient(c *store.Client) {
	c.SecretHash[0] ^= 0xff
	c.RegistrationTokenHash[0] ^= 0xff
	c.SecretExpiresAt = time.Time{}
	c.Metadata.ClientName = "mutated"
	md := reflect.ValueOf(&c.Metadata).Elem()
	for i := range md.NumField() {
		if f := md.Field(i); f.Kind() == reflect.Slice && f.Len() > 0 {
			f.Index(0).SetString("https://mutated.example/")
		}
	}
}

// testCopiesOfHashes is Copies for the hashes that key codes and tokens.
func testCopiesOfHashes(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	want := store.Hash("code c")

	code := fullCode("c", "c", at)
	require.NoError(t, s.SaveCode(ctx, code))
	code.Hash[0] ^= 0xff
	got, err := s.ConsumeCode(ctx, want)
	require.NoError(t, err)
	assert.Equal(t, want, got.Hash, "mutating Hash of the code passed to SaveCode")
	got.Hash[0] ^= 0xff
	got, err = s.ConsumeCode(ctx, want)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	assert.Equal(t, want, got.Hash, "mutating Hash of the code ConsumeCode returned")

	want = store.Hash("token t")
	tk := token("t", store.RefreshToken, "c", "g", at)
	require.NoError(t, s.SaveToken(ctx, tk))
	tk.Hash[0] ^= 0xff
	gotTok, err := s.GetToken(ctx, want)
	require.NoError(t, err)
	assert.Equal(t, want, gotTok.Hash, "mutating Hash of the token passed to SaveToken")
	gotTok.Hash[0] ^= 0xff
	gotTok, err = s.RotateToken(ctx, want)
	require.NoError(t, err)
	assert.Equal(t, want, gotTok.Hash, "mutating Hash of the token GetToken returned")
	gotTok.Hash[0] ^= 0xff
	gotTok, err = s.GetToken(ctx, want)
	require.NoError(t, err)
	assert.Equal(t, want, gotTok.Hash, "mutating Hash of the token RotateToken returned")
}

// ---------------------------------------------------------------------------
// Concurrency

func testConcurrentConsumeCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 3 {
		code := fullCode(fmt.Sprint("race ", round), "c", at)
		require.NoError(t, s.SaveCode(ctx, code))
		codes := make([]*store.Code, racers)
		errs := make([]error, racers)
		race(racers, func(i int) { codes[i], errs[i] = s.ConsumeCode(ctx, code.Hash) })
		assertOneWins(t, round, "redeems the code", errs, func(i int) {
			assertSame(t, code, codes[i], "round %d, racer %d", round, i)
		})
	}
}

func testConcurrentRotateToken(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 3 {
		tk := token(fmt.Sprint("race ", round), store.RefreshToken, "c", "g", at)
		require.NoError(t, s.SaveToken(ctx, tk))
		want := *tk
		want.Rotated = true
		toks := make([]*store.Token, racers)
		errs := make([]error, racers)
		race(racers, func(i int) { toks[i], errs[i] = s.RotateToken(ctx, tk.Hash) })
		assertOneWins(t, round, "rotates the token", errs, func(i int) {
			assertSame(t, &want, toks[i], "round %d, racer %d", round, i)
		})
	}
}

func testConcurrentCreateClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	clients := make([]*store.Client, racers)
	for i := range clients {
		clients[i] = fullClient(t, "contended", at)
		clients[i].Metadata.ClientName = fmt.Sprint("racer ", i)
	}
	errs := make([]error, racers)
	race(racers, func(i int) { errs[i] = s.CreateClient(ctx, clients[i]) })

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("racers %d and %d both created the client", winner, i)
			}
			winner = i
		case !errors.Is(err, store.ErrExists):
			t.Errorf("racer %d: %v", i, err)
		}
	}
	require.GreaterOrEqual(t, winner, 0, "one racer creates the client")
	got, err := s.GetClient(ctx, "contended")
	require.NoError(t, err)
	assertSame(t, clients[winner], got, "the stored client is the winner's")
}

// testConcurrentRevokeAndRotate races rotations with revocations of the same
// tokens: both must stick, whatever the order (no lost updates).
func testConcurrentRevokeAndRotate(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	const n = 20
	toks := make([]*store.Token, n)
	for i := range toks {
		toks[i] = token(fmt.Sprint("family ", i), store.RefreshToken, "c", "family", at)
		require.NoError(t, s.SaveToken(ctx, toks[i]))
	}
	race(3*n, func(i int) {
		tk := toks[i%n]
		switch i / n {
		case 0:
			_, err := s.RotateToken(ctx, tk.Hash)
			assert.NoError(t, err, "RotateToken %d", i%n)
		case 1:
			assert.NoError(t, s.RevokeToken(ctx, tk.Hash), "RevokeToken %d", i%n)
		default:
			assert.NoError(t, s.RevokeGrant(ctx, "family"), "RevokeGrant")
		}
	})
	for i, tk := range toks {
		got, err := s.GetToken(ctx, tk.Hash)
		require.NoError(t, err)
		want := *tk
		want.Revoked, want.Rotated = true, true
		assertSame(t, &want, got, "token %d", i)
	}
}

// testConcurrentMixed runs whole client lifecycles side by side; every call
// must succeed (a store must not report contention as an error).
func testConcurrentMixed(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	race(racers, func(i int) {
		id := fmt.Sprint("client-", i)
		grant := "grant of " + id
		ok := func(err error, what string) bool { return assert.NoError(t, err, "%s: %s", id, what) }

		c := &store.Client{ID: id, SecretHash: store.Hash(id), IssuedAt: at,
			Metadata: store.ClientMetadata{RedirectURIs: []string{"https://" + id + ".example/cb"}}}
		if !ok(s.CreateClient(ctx, c), "CreateClient") {
			return
		}
		_, err := s.GetClient(ctx, id)
		ok(err, "GetClient")
		c.Metadata.ClientName = "updated"
		ok(s.UpdateClient(ctx, c), "UpdateClient")
		ok(s.SaveConsent(ctx, consent("alice", id, "read", at)), "SaveConsent")
		_, err = s.GetConsent(ctx, "alice", id)
		ok(err, "GetConsent")

		code := fullCode(id, id, at)
		ok(s.SaveCode(ctx, code), "SaveCode")
		_, err = s.ConsumeCode(ctx, code.Hash)
		ok(err, "ConsumeCode")
		access := token(id+" access", store.AccessToken, id, grant, at)
		refresh := token(id+" refresh", store.RefreshToken, id, grant, at)
		ok(s.SaveToken(ctx, access), "SaveToken access")
		ok(s.SaveToken(ctx, refresh), "SaveToken refresh")
		_, err = s.GetToken(ctx, access.Hash)
		ok(err, "GetToken")
		_, err = s.RotateToken(ctx, refresh.Hash)
		ok(err, "RotateToken")
		next := token(id+" next", store.RefreshToken, id, grant, at)
		ok(s.SaveToken(ctx, next), "SaveToken next")

		switch i % 3 {
		case 0:
			ok(s.DeleteClient(ctx, id), "DeleteClient")
		case 1:
			ok(s.RevokeGrant(ctx, grant), "RevokeGrant")
		default:
			_, err = s.ConsumeCode(ctx, code.Hash)
			assert.ErrorIs(t, err, store.ErrAlreadyUsed, "%s: replayed code", id)
		}
	})

	for i := range racers {
		id := fmt.Sprint("client-", i)
		grant := "grant of " + id
		next, err := s.GetToken(ctx, store.Hash("token "+id+" next"))
		switch i % 3 {
		case 0:
			_, err := s.GetClient(ctx, id)
			assert.ErrorIs(t, err, store.ErrNotFound, "%s deleted", id)
		case 1:
			if assert.NoError(t, err, id) {
				assert.True(t, next.Revoked, "%s: grant revoked", id)
				assert.Equal(t, grant, next.GrantID)
			}
		default:
			if assert.NoError(t, err, id) {
				assert.False(t, next.Revoked, "%s: untouched", id)
			}
			got, err := s.GetClient(ctx, id)
			if assert.NoError(t, err, id) {
				assert.Equal(t, "updated", got.Metadata.ClientName)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Redemption checks, sticky revocation, client expiry, single use, usage

func testGetCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullCode("read", "c", at)
	require.NoError(t, s.SaveCode(ctx, c))
	for range 2 {
		got, err := s.GetCode(ctx, c.Hash)
		require.NoError(t, err, "GetCode does not redeem")
		assertSame(t, c, got)
	}
	_, err := s.ConsumeCode(ctx, c.Hash)
	require.NoError(t, err, "the code is still unused after GetCode")
	got, err := s.GetCode(ctx, c.Hash)
	require.ErrorIs(t, err, store.ErrAlreadyUsed)
	require.NotNil(t, got, "a redeemed code is returned so that the caller can revoke its grant")
	assertSame(t, c, got)
	_, err = s.GetCode(ctx, store.Hash("code absent"))
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testRevokeGrantSticks(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.SaveToken(ctx, token("before", store.AccessToken, "c", "g", at)))
	require.NoError(t, s.RevokeGrant(ctx, "g"))

	late := token("after", store.RefreshToken, "c", "g", at)
	require.ErrorIs(t, s.SaveToken(ctx, late), store.ErrRevoked, "a token of a revoked grant")
	_, err := s.GetToken(ctx, late.Hash)
	assert.ErrorIs(t, err, store.ErrNotFound, "a refused token is not stored")

	// Revoking a grant that has no tokens yet (a replay detected before the
	// first redemption saved anything) marks it all the same.
	require.NoError(t, s.RevokeGrant(ctx, "empty"))
	assert.ErrorIs(t, s.SaveToken(ctx, token("first", store.AccessToken, "c", "empty", at)), store.ErrRevoked)

	// Other grants, similar names, and tokens without a grant are not affected.
	require.NoError(t, s.RevokeGrant(ctx, ""))
	for _, tk := range []*store.Token{
		token("other", store.AccessToken, "c", "other", at),
		token("prefix", store.AccessToken, "c", "e", at),
		token("longer", store.AccessToken, "c", "gg", at),
		token("none", store.AccessToken, "c", "", at),
	} {
		assert.NoError(t, s.SaveToken(ctx, tk), "grant %q", tk.GrantID)
	}
}

// testConcurrentRevokeGrantAndSave races issuance with revocation of one
// grant: whatever the interleaving, no token of the grant is left active.
func testConcurrentRevokeGrantAndSave(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	const rounds, savers = 20, 8
	for round := range rounds {
		grant := fmt.Sprint("grant ", round)
		var mu sync.Mutex
		var saved []*store.Token
		race(savers+1, func(i int) {
			if i == savers {
				assert.NoError(t, s.RevokeGrant(ctx, grant))
				return
			}
			tk := token(fmt.Sprint(grant, " token ", i), store.AccessToken, "c", grant, at)
			err := s.SaveToken(ctx, tk)
			if err == nil {
				mu.Lock()
				saved = append(saved, tk)
				mu.Unlock()
				return
			}
			assert.ErrorIs(t, err, store.ErrRevoked, "SaveToken %d", i)
		})
		for _, tk := range saved {
			got, err := s.GetToken(ctx, tk.Hash)
			require.NoError(t, err)
			assert.True(t, got.Revoked, "round %d: a token saved while its grant was being revoked is active", round)
		}
		assert.ErrorIs(t, s.SaveToken(ctx, token(grant+" late", store.AccessToken, "c", grant, at)), store.ErrRevoked)
	}
}

func testClientExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	gone := fullClient(t, "gone", at)
	gone.ExpiresAt = at.Add(-time.Second)
	require.NoError(t, s.CreateClient(ctx, gone))
	_, err := s.GetClient(ctx, "gone")
	assert.ErrorIs(t, err, store.ErrNotFound, "a client past its ExpiresAt")
	assert.ErrorIs(t, s.UpdateClient(ctx, gone), store.ErrNotFound, "UpdateClient of an expired client")
	assert.ErrorIs(t, s.ExtendClient(ctx, "gone", at.Add(time.Hour)), store.ErrNotFound, "ExtendClient of an expired client")
	_, err = s.GetClient(ctx, "gone")
	assert.ErrorIs(t, err, store.ErrNotFound, "ExtendClient does not revive a client")

	// Its ID can be registered again; nothing issued before comes along.
	require.NoError(t, s.SaveToken(ctx, token("of gone", store.AccessToken, "gone", "g gone", at)))
	require.NoError(t, s.SaveConsent(ctx, consent("alice", "gone", "read", at)))
	again := fullClient(t, "gone", at)
	require.NoError(t, s.CreateClient(ctx, again), "an expired client's ID is free")
	got, err := s.GetClient(ctx, "gone")
	require.NoError(t, err)
	assertSame(t, again, got)
	_, err = s.GetToken(ctx, store.Hash("token of gone"))
	assert.ErrorIs(t, err, store.ErrNotFound, "a token of the expired client")
	_, err = s.GetConsent(ctx, "alice", "gone")
	assert.ErrorIs(t, err, store.ErrNotFound, "a consent for the expired client")
	assert.ErrorIs(t, s.CreateClient(ctx, fullClient(t, "gone", at)), store.ErrExists, "the new client has not expired")

	expiring := fullClient(t, "expiring", at)
	require.NoError(t, s.CreateClient(ctx, expiring))
	gone2 := fullClient(t, "deleted expired", at)
	gone2.ExpiresAt = at.Add(-time.Minute)
	require.NoError(t, s.CreateClient(ctx, gone2))
	assert.ErrorIs(t, s.DeleteClient(ctx, gone2.ID), store.ErrNotFound, "DeleteClient of an expired client")
	got, err = s.GetClient(ctx, "expiring")
	require.NoError(t, err, "a client before its ExpiresAt")
	assertSame(t, expiring, got)
}

func testExtendClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	c := fullClient(t, "c", at)
	require.NoError(t, s.CreateClient(ctx, c))
	later := at.Add(48 * time.Hour)
	require.NoError(t, s.ExtendClient(ctx, c.ID, later))
	got, err := s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	assert.True(t, later.Truncate(Precision).Equal(got.ExpiresAt.Truncate(Precision)), "extended to %s, got %s", later, got.ExpiresAt)

	require.NoError(t, s.ExtendClient(ctx, c.ID, at.Add(time.Hour)), "an earlier time")
	got, err = s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	assert.True(t, later.Truncate(Precision).Equal(got.ExpiresAt.Truncate(Precision)), "ExtendClient never brings expiry forward")

	static := &store.Client{ID: "static", IssuedAt: at}
	require.NoError(t, s.CreateClient(ctx, static))
	require.NoError(t, s.ExtendClient(ctx, static.ID, later))
	got, err = s.GetClient(ctx, static.ID)
	require.NoError(t, err)
	assert.True(t, got.ExpiresAt.IsZero(), "a client without expiry stays so")
	assert.ErrorIs(t, s.ExtendClient(ctx, "absent", later), store.ErrNotFound)
}

func testEvictClient(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	mk := func(id string, expires time.Time) {
		c := &store.Client{ID: id, IssuedAt: at, ExpiresAt: expires}
		require.NoError(t, s.CreateClient(ctx, c))
		require.NoError(t, s.SaveToken(ctx, token(id, store.AccessToken, id, "grant "+id, at)))
		require.NoError(t, s.SaveCode(ctx, fullCode(id, id, at)))
		require.NoError(t, s.SaveConsent(ctx, consent("alice", id, "read", at)))
	}
	mk("static", time.Time{})
	mk("in 3h", at.Add(3*time.Hour))
	mk("in 1h", at.Add(time.Hour))
	mk("in 2h", at.Add(2*time.Hour))

	_, err := s.EvictClient(ctx, at.Add(30*time.Minute))
	assert.ErrorIs(t, err, store.ErrNotFound, "no client expires before")
	id, err := s.EvictClient(ctx, at.Add(150*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "in 1h", id, "the client that expires first")
	_, err = s.GetClient(ctx, "in 1h")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetToken(ctx, store.Hash("token in 1h"))
	assert.ErrorIs(t, err, store.ErrNotFound, "its tokens go with it")
	_, err = s.GetCode(ctx, store.Hash("code in 1h"))
	assert.ErrorIs(t, err, store.ErrNotFound, "its codes go with it")
	_, err = s.GetConsent(ctx, "alice", "in 1h")
	assert.ErrorIs(t, err, store.ErrNotFound, "its consents go with it")

	id, err = s.EvictClient(ctx, at.Add(150*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "in 2h", id)
	_, err = s.EvictClient(ctx, at.Add(150*time.Minute))
	assert.ErrorIs(t, err, store.ErrNotFound)
	id, err = s.EvictClient(ctx, at.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "in 3h", id)
	_, err = s.EvictClient(ctx, at.Add(1000*time.Hour))
	assert.ErrorIs(t, err, store.ErrNotFound, "a client without expiry is never evicted")
	_, err = s.GetToken(ctx, store.Hash("token static"))
	assert.NoError(t, err)
}

func testUseOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	require.NoError(t, s.UseOnce(ctx, "k", at.Add(time.Hour)))
	assert.ErrorIs(t, s.UseOnce(ctx, "k", at.Add(time.Hour)), store.ErrAlreadyUsed)
	assert.NoError(t, s.UseOnce(ctx, "K", at.Add(time.Hour)), "keys are exact")
	assert.NoError(t, s.UseOnce(ctx, "k\x00", at.Add(time.Hour)), "keys are exact")

	require.NoError(t, s.UseOnce(ctx, "expired", at.Add(-time.Second)))
	assert.NoError(t, s.UseOnce(ctx, "expired", at.Add(time.Hour)), "an expired key can be used again")
	assert.ErrorIs(t, s.UseOnce(ctx, "expired", at.Add(time.Hour)), store.ErrAlreadyUsed)
}

func testConcurrentUseOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	for round := range 5 {
		var mu sync.Mutex
		n := 0
		race(racers, func(int) {
			err := s.UseOnce(ctx, fmt.Sprint("key ", round), at.Add(time.Hour))
			if err == nil {
				mu.Lock()
				n++
				mu.Unlock()
				return
			}
			assert.ErrorIs(t, err, store.ErrAlreadyUsed)
		})
		assert.Equal(t, 1, n, "round %d: one use", round)
	}
}

func testUsage(t *testing.T, s store.Store) {
	ctx := t.Context()
	at := now()
	u, err := s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{}, u, "an empty store")

	for _, id := range []string{"a", "b"} {
		require.NoError(t, s.CreateClient(ctx, &store.Client{ID: id, IssuedAt: at}))
	}
	for i := range 3 {
		require.NoError(t, s.SaveCode(ctx, fullCode(fmt.Sprint("a", i), "a", at)))
		require.NoError(t, s.SaveToken(ctx, token(fmt.Sprint("a", i), store.AccessToken, "a", "ga", at)))
	}
	require.NoError(t, s.SaveCode(ctx, fullCode("b", "b", at)))
	require.NoError(t, s.SaveToken(ctx, token("b", store.AccessToken, "b", "gb", at)))
	require.NoError(t, s.SaveToken(ctx, token("a other", store.AccessToken, "a", "ga2", at)))

	u, err = s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 4, Tokens: 5, ClientCodes: 3, ClientTokens: 4, GrantTokens: 3}, u)
	u, err = s.Usage(ctx, "", "")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 2, Codes: 4, Tokens: 5}, u, "nothing is counted for the empty client or grant")

	require.NoError(t, s.DeleteClient(ctx, "a"))
	u, err = s.Usage(ctx, "a", "ga")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1, Codes: 1, Tokens: 1}, u, "after DeleteClient")
	u, err = s.Usage(ctx, "b", "gb")
	require.NoError(t, err)
	assert.Equal(t, store.Usage{Clients: 1, Codes: 1, Tokens: 1, ClientCodes: 1, ClientTokens: 1, GrantTokens: 1}, u)
}
