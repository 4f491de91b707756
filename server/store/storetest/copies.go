package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
		f := md.Field(i)
		switch {
		case f.Kind() != reflect.Slice || f.Len() == 0:
		case f.Type().Elem().Kind() == reflect.String:
			f.Index(0).SetString("https://mutated.example/")
		default: // bytes (a JSON document)
			f.Index(0).SetUint(f.Index(0).Uint() ^ 0xff)
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
