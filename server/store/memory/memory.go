// Package memory is the in-memory implementation of store.Store. It is the
// default store of tests and of `authspec serve --store memory`; nothing
// survives a restart.
package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/authspec/authspec/server/store"
)

// Store keeps every record in maps guarded by one mutex. Codes, tokens and
// consents are indexed by client, and tokens by grant, so that deleting a
// client or revoking a grant touches only its own records.
type Store struct {
	mu      sync.Mutex
	now     func() time.Time
	clients map[string]*store.Client
	codes   map[string]*codeEntry
	tokens  map[tokenKey]tokenRecord
	// syms holds the strings of the token records; longHashes the token
	// hashes longer than a tokenKey holds.
	syms       *symbols
	longHashes map[tokenKey][]byte
	consents   map[[2]string]*store.Consent
	once       map[string]time.Time
	// byClient indexes codes, tokens and consents by client ID (whether or
	// not the client is registered: the store does not check).
	byClient map[string]*clientIndex
	// grants indexes tokens by grant ID and remembers revoked grants.
	grants map[string]*grantEntry
	// lastSweep is when expired records were last removed; sweeps run at
	// most once per sweepEvery so that inserts stay O(1).
	lastSweep time.Time
	// tokenDue lists the keys of tokens with an expiry by the minute their
	// retention ends (rounded up), so that a sweep visits only the tokens
	// that are due rather than every token.
	tokenDue map[int64]*keyList
	// sweeping holds the chunks of the due minutes' lists not visited
	// yet, sweepPos the position in the first: each insert visits at most sweepBatch
	// keys, so that no call holds the lock for long however many tokens
	// fall due at once (a million-token store sweeps in small steps).
	sweeping [][]tokenKey
	sweepPos int
}

type codeEntry struct {
	code *store.Code
	used bool
}

type clientIndex struct {
	codes    map[string]struct{} // keys of s.codes
	subjects map[string]struct{} // subjects with a consent
	// tokens are the keys of the client's tokens in the order they were
	// saved, and possibly keys of tokens removed since: a removal only
	// counts down live, and the list is compacted when it holds twice as
	// many keys as live tokens. An append to a list is cheaper than an
	// insert into a set of a million keys, on the path of every issued
	// token; deleting a client, the rare operation, checks each key.
	tokens keyList
	live   int
}

func (ci *clientIndex) empty() bool {
	return len(ci.codes) == 0 && ci.live == 0 && len(ci.subjects) == 0
}

type grantEntry struct {
	tokens    grantTokens
	revokedAt time.Time // zero: not revoked
}

const (
	sweepEvery = time.Minute
	// codeRetention: used codes are kept ten minutes past expiry so that a
	// late replay is still recognised as a replay. tokenRetention: tokens
	// an hour, so that a replay of an expired refresh token reads as
	// expired rather than unknown.
	codeRetention  = 10 * time.Minute
	tokenRetention = time.Hour
	// sweepBatch is how many due token keys one insert visits at most:
	// far more than one insert adds, so the backlog drains.
	sweepBatch = 64
)

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store { return NewWithClock(time.Now) }

// NewWithClock returns an empty store that tells the time with now: when
// clients expire, when records are swept.
func NewWithClock(now func() time.Time) *Store {
	return &Store{
		now:        now,
		clients:    make(map[string]*store.Client),
		codes:      make(map[string]*codeEntry),
		tokens:     make(map[tokenKey]tokenRecord),
		syms:       newSymbols(),
		longHashes: make(map[tokenKey][]byte),
		consents:   make(map[[2]string]*store.Consent),
		once:       make(map[string]time.Time),
		byClient:   make(map[string]*clientIndex),
		grants:     make(map[string]*grantEntry),
		tokenDue:   make(map[int64]*keyList),
	}
}

// sweepLocked removes codes, tokens and revocation marks past their
// retention, expired clients with what was issued to them, and expired
// single-use keys.
// Tokens, the records that come by the million, are swept in steps
// (sweepTokensLocked); the others, bounded by clients and by what people
// do, at once.
func (s *Store) sweepLocked() {
	now := s.now()
	defer s.sweepTokensLocked(now)
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	due := now.UnixNano() / int64(time.Minute)
	for m, keys := range s.tokenDue {
		if m <= due {
			s.sweeping = append(s.sweeping, keys.chunks...)
			delete(s.tokenDue, m)
		}
	}
	for k, e := range s.codes {
		if now.After(e.code.ExpiresAt.Add(codeRetention)) {
			s.removeCodeLocked(k)
		}
	}
	for id, c := range s.clients {
		if expired(c, now) {
			s.deleteClientLocked(id)
		}
	}
	for g, e := range s.grants {
		if len(e.tokens) == 0 && (e.revokedAt.IsZero() || now.After(e.revokedAt.Add(store.RevocationRetention))) {
			delete(s.grants, g)
		}
	}
	for k, exp := range s.once {
		if !now.Before(exp) {
			delete(s.once, k)
		}
	}
}

// dueLocked lists the token key under the minute its retention ends.
func (s *Store) dueLocked(key tokenKey, expiresAt int64) {
	if expiresAt == noTime {
		return
	}
	end := fromUnixNano(expiresAt).Add(tokenRetention).UnixNano()
	m := end / int64(time.Minute)
	if end%int64(time.Minute) != 0 {
		m++ // rounded up: a minute's list is due once all of it is
	}
	l := s.tokenDue[m]
	if l == nil {
		l = &keyList{}
		s.tokenDue[m] = l
	}
	l.add(key)
}

// sweepTokensLocked visits at most sweepBatch keys of the due minutes and
// removes the tokens whose retention has ended; a key of a token removed
// since is passed over.
func (s *Store) sweepTokensLocked(now time.Time) {
	for n := 0; n < sweepBatch && len(s.sweeping) > 0; n++ {
		keys := s.sweeping[0]
		k := keys[s.sweepPos]
		if s.sweepPos++; s.sweepPos == len(keys) {
			s.sweeping[0] = nil
			s.sweeping, s.sweepPos = s.sweeping[1:], 0
		}
		t, ok := s.tokens[k]
		switch {
		case !ok || t.expiresAt == noTime:
		case now.After(fromUnixNano(t.expiresAt).Add(tokenRetention)):
			s.removeTokenLocked(k)
		default:
			s.dueLocked(k, t.expiresAt) // not due yet: listed again
		}
	}
}

func expired(c *store.Client, now time.Time) bool {
	return !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt)
}

// liveClientLocked returns the stored client id unless it is absent or
// expired.
func (s *Store) liveClientLocked(id string) (*store.Client, bool) {
	c, ok := s.clients[id]
	if !ok || expired(c, s.now()) {
		return nil, false
	}
	return c, true
}

func (s *Store) indexLocked(clientID string) *clientIndex {
	ci := s.byClient[clientID]
	if ci == nil {
		ci = &clientIndex{codes: map[string]struct{}{}, subjects: map[string]struct{}{}}
		s.byClient[clientID] = ci
	}
	return ci
}

// addClientTokenLocked indexes the token key under clientID, compacting
// the client's list of keys when removed tokens make half of it.
func (s *Store) addClientTokenLocked(clientID string, key tokenKey) {
	ci := s.indexLocked(clientID)
	if ci.tokens.n >= 2*ci.live+32 {
		ci.tokens.filter(func(k tokenKey) bool { return s.ownsLocked(clientID, k) })
	}
	ci.tokens.add(key)
	ci.live++
}

// ownsLocked tells whether the token of key k is stored and was issued to
// clientID: a key in a client's list may be of a token removed since, or
// removed and saved again for another client.
func (s *Store) ownsLocked(clientID string, k tokenKey) bool {
	t, ok := s.tokens[k]
	return ok && s.syms.str(t.clientID) == clientID
}

func (s *Store) tidyIndexLocked(clientID string) {
	if ci := s.byClient[clientID]; ci != nil && ci.empty() {
		delete(s.byClient, clientID)
	}
}

func (s *Store) grantLocked(grantID string) *grantEntry {
	g := s.grants[grantID]
	if g == nil {
		g = &grantEntry{}
		s.grants[grantID] = g
	}
	return g
}

func (s *Store) removeCodeLocked(key string) {
	e, ok := s.codes[key]
	if !ok {
		return
	}
	delete(s.codes, key)
	if ci := s.byClient[e.code.ClientID]; ci != nil {
		delete(ci.codes, key)
		s.tidyIndexLocked(e.code.ClientID)
	}
}

func (s *Store) removeTokenLocked(key tokenKey) {
	t, ok := s.tokens[key]
	if !ok {
		return
	}
	delete(s.tokens, key)
	clientID, grantID := s.syms.str(t.clientID), s.syms.str(t.grantID)
	s.releaseLocked(t, key)
	if ci := s.byClient[clientID]; ci != nil {
		ci.live--
		s.tidyIndexLocked(clientID)
	}
	if grantID != "" {
		if g := s.grants[grantID]; g != nil {
			g.tokens = g.tokens.without(key)
			if len(g.tokens) == 0 && g.revokedAt.IsZero() {
				delete(s.grants, grantID)
			}
		}
	}
}

// deleteClientLocked removes the client and everything indexed under its ID.
func (s *Store) deleteClientLocked(id string) {
	delete(s.clients, id)
	ci := s.byClient[id]
	if ci == nil {
		return
	}
	for k := range ci.codes {
		s.removeCodeLocked(k)
	}
	for _, c := range ci.tokens.chunks {
		for _, k := range c {
			if s.ownsLocked(id, k) {
				s.removeTokenLocked(k)
			}
		}
	}
	for sub := range ci.subjects {
		delete(s.consents, [2]string{sub, id})
	}
	delete(s.byClient, id)
}

func cloneClient(c *store.Client) *store.Client {
	cp := *c
	m := &cp.Metadata
	m.RedirectURIs = append([]string(nil), m.RedirectURIs...)
	m.GrantTypes = append([]string(nil), m.GrantTypes...)
	m.ResponseTypes = append([]string(nil), m.ResponseTypes...)
	m.Contacts = append([]string(nil), m.Contacts...)
	if m.JWKS != nil {
		m.JWKS = append(json.RawMessage(nil), m.JWKS...)
	}
	cp.SecretHash = append([]byte(nil), c.SecretHash...)
	cp.RegistrationTokenHash = append([]byte(nil), c.RegistrationTokenHash...)
	if len(c.SecretHash) == 0 {
		cp.SecretHash = nil
	}
	if len(c.RegistrationTokenHash) == 0 {
		cp.RegistrationTokenHash = nil
	}
	return &cp
}

func cloneCode(c *store.Code) *store.Code {
	cp := *c
	cp.Hash = append([]byte(nil), c.Hash...)
	cp.Resources = append([]string(nil), c.Resources...)
	return &cp
}

// CreateClient implements store.Clients.
func (s *Store) CreateClient(_ context.Context, c *store.Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked()
	if old, ok := s.clients[c.ID]; ok {
		if !expired(old, s.now()) {
			return fmt.Errorf("create client %q: %w", c.ID, store.ErrExists)
		}
		s.deleteClientLocked(c.ID)
	}
	s.clients[c.ID] = cloneClient(c)
	return nil
}

// GetClient implements store.Clients.
func (s *Store) GetClient(_ context.Context, id string) (*store.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.liveClientLocked(id)
	if !ok {
		return nil, fmt.Errorf("get client %q: %w", id, store.ErrNotFound)
	}
	return cloneClient(c), nil
}

// UpdateClient implements store.Clients.
func (s *Store) UpdateClient(_ context.Context, c *store.Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.liveClientLocked(c.ID); !ok {
		return fmt.Errorf("update client %q: %w", c.ID, store.ErrNotFound)
	}
	s.clients[c.ID] = cloneClient(c)
	return nil
}

// DeleteClient implements store.Clients.
func (s *Store) DeleteClient(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, live := s.liveClientLocked(id)
	if _, stored := s.clients[id]; stored {
		s.deleteClientLocked(id)
	}
	if !live {
		return fmt.Errorf("delete client %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// ExtendClient implements store.Clients.
func (s *Store) ExtendClient(_ context.Context, id string, expiresAt time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.liveClientLocked(id)
	if !ok {
		return fmt.Errorf("extend client %q: %w", id, store.ErrNotFound)
	}
	if !c.ExpiresAt.IsZero() && expiresAt.After(c.ExpiresAt) {
		c.ExpiresAt = expiresAt
	}
	return nil
}

// EvictClient implements store.Clients. It looks at every client: it runs
// only when registration is at its cap, which bounds the clients.
func (s *Store) EvictClient(_ context.Context, before time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first *store.Client
	for _, c := range s.clients {
		if c.ExpiresAt.IsZero() || !c.ExpiresAt.Before(before) {
			continue
		}
		if first == nil || c.ExpiresAt.Before(first.ExpiresAt) {
			first = c
		}
	}
	if first == nil {
		return "", fmt.Errorf("evict client: %w", store.ErrNotFound)
	}
	id := first.ID
	s.deleteClientLocked(id)
	return id, nil
}

// SaveCode implements store.Codes. Expired records are swept on the way (see
// sweepLocked), so memory stays bounded by what is issued per lifetime.
func (s *Store) SaveCode(_ context.Context, c *store.Code) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked()
	key := string(c.Hash)
	if _, ok := s.codes[key]; ok {
		return fmt.Errorf("save code: %w", store.ErrExists)
	}
	s.codes[key] = &codeEntry{code: cloneCode(c)}
	s.indexLocked(c.ClientID).codes[key] = struct{}{}
	return nil
}

// GetCode implements store.Codes.
func (s *Store) GetCode(_ context.Context, hash []byte) (*store.Code, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.codes[string(hash)]
	if !ok {
		return nil, fmt.Errorf("get code: %w", store.ErrNotFound)
	}
	if e.used {
		return cloneCode(e.code), fmt.Errorf("get code: %w", store.ErrAlreadyUsed)
	}
	return cloneCode(e.code), nil
}

// ConsumeCode implements store.Codes.
func (s *Store) ConsumeCode(_ context.Context, hash []byte) (*store.Code, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.codes[string(hash)]
	if !ok {
		return nil, fmt.Errorf("consume code: %w", store.ErrNotFound)
	}
	if e.used {
		return cloneCode(e.code), fmt.Errorf("consume code: %w", store.ErrAlreadyUsed)
	}
	e.used = true
	return cloneCode(e.code), nil
}

// SaveToken implements store.Tokens.
func (s *Store) SaveToken(_ context.Context, t *store.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := keyOf(t.Hash)
	if _, ok := s.tokens[key]; ok {
		return fmt.Errorf("save token: %w", store.ErrExists)
	}
	if g := s.grants[t.GrantID]; t.GrantID != "" && g != nil && !g.revokedAt.IsZero() {
		return fmt.Errorf("save token of grant %q: %w", t.GrantID, store.ErrRevoked)
	}
	s.sweepLocked()
	rec := s.newTokenRecordLocked(t, key)
	s.tokens[key] = rec
	s.dueLocked(key, rec.expiresAt)
	s.addClientTokenLocked(t.ClientID, key)
	if t.GrantID != "" {
		g := s.grantLocked(t.GrantID)
		g.tokens = append(g.tokens, key)
	}
	return nil
}

// GetToken implements store.Tokens.
func (s *Store) GetToken(_ context.Context, hash []byte) (*store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := keyOf(hash)
	t, ok := s.tokens[key]
	if !ok {
		return nil, fmt.Errorf("get token: %w", store.ErrNotFound)
	}
	return s.tokenLocked(t, key), nil
}

// RotateToken implements store.Tokens.
func (s *Store) RotateToken(_ context.Context, hash []byte) (*store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := keyOf(hash)
	t, ok := s.tokens[key]
	if !ok {
		return nil, fmt.Errorf("rotate token: %w", store.ErrNotFound)
	}
	if t.rotated {
		return s.tokenLocked(t, key), fmt.Errorf("rotate token: %w", store.ErrAlreadyUsed)
	}
	t.rotated = true
	s.tokens[key] = t
	return s.tokenLocked(t, key), nil
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(_ context.Context, hash []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := keyOf(hash)
	t, ok := s.tokens[key]
	if !ok {
		return fmt.Errorf("revoke token: %w", store.ErrNotFound)
	}
	t.revoked = true
	s.tokens[key] = t
	return nil
}

// RevokeGrant implements store.Tokens: it visits the grant's own tokens.
func (s *Store) RevokeGrant(_ context.Context, grantID string) error {
	if grantID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grantLocked(grantID)
	if g.revokedAt.IsZero() {
		g.revokedAt = s.now()
	}
	for _, k := range g.tokens {
		if t, ok := s.tokens[k]; ok {
			t.revoked = true
			s.tokens[k] = t
		}
	}
	return nil
}

// SaveConsent implements store.Consents.
func (s *Store) SaveConsent(_ context.Context, c *store.Consent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := *c
	s.consents[[2]string{c.Subject, c.ClientID}] = &cp
	s.indexLocked(c.ClientID).subjects[c.Subject] = struct{}{}
	return nil
}

// GetConsent implements store.Consents.
func (s *Store) GetConsent(_ context.Context, subject, clientID string) (*store.Consent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consents[[2]string{subject, clientID}]
	if !ok {
		return nil, fmt.Errorf("get consent: %w", store.ErrNotFound)
	}
	cp := *c
	return &cp, nil
}

// UseOnce implements store.Once.
func (s *Store) UseOnce(_ context.Context, key string, expiresAt time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked()
	if exp, ok := s.once[key]; ok && s.now().Before(exp) {
		return fmt.Errorf("use once: %w", store.ErrAlreadyUsed)
	}
	s.once[key] = expiresAt
	return nil
}

// Usage implements store.Usages in constant time.
func (s *Store) Usage(_ context.Context, clientID, grantID string) (store.Usage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := store.Usage{Clients: len(s.clients), Codes: len(s.codes), Tokens: len(s.tokens)}
	if ci := s.byClient[clientID]; clientID != "" && ci != nil {
		u.ClientCodes, u.ClientTokens = len(ci.codes), ci.live
	}
	if g := s.grants[grantID]; grantID != "" && g != nil {
		u.GrantTokens = len(g.tokens)
	}
	return u, nil
}

// Close implements store.Store.
func (s *Store) Close() error { return nil }
