package storetest

import (
	"testing"
	"time"

	"github.com/authspec/authspec/server/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
