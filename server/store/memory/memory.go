// Package memory is the in-memory implementation of store.Store. It is the
// default store of tests and of `authspec serve --store memory`; nothing
// survives a restart.
package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/authspec/authspec/server/store"
)

// Store keeps every record in maps guarded by one mutex.
type Store struct {
	mu       sync.Mutex
	now      func() time.Time
	clients  map[string]*store.Client
	codes    map[string]*codeEntry
	tokens   map[string]*store.Token
	consents map[[2]string]*store.Consent
	// lastSweep is when expired codes and tokens were last removed; sweeps
	// run at most once per sweepEvery so that inserts stay O(1).
	lastSweep time.Time
}

const sweepEvery = time.Minute

// sweepLocked removes codes and tokens long past their expiry. Used codes are
// kept ten minutes past expiry so that a late replay is still recognised as a
// replay; tokens an hour, so that a replay of an expired refresh token reads
// as expired rather than unknown.
func (s *Store) sweepLocked() {
	now := s.now()
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for k, e := range s.codes {
		if now.After(e.code.ExpiresAt.Add(10 * time.Minute)) {
			delete(s.codes, k)
		}
	}
	for k, t := range s.tokens {
		if !t.ExpiresAt.IsZero() && now.After(t.ExpiresAt.Add(time.Hour)) {
			delete(s.tokens, k)
		}
	}
}

type codeEntry struct {
	code *store.Code
	used bool
}

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		now:      time.Now,
		clients:  make(map[string]*store.Client),
		codes:    make(map[string]*codeEntry),
		tokens:   make(map[string]*store.Token),
		consents: make(map[[2]string]*store.Consent),
	}
}

func cloneClient(c *store.Client) *store.Client {
	cp := *c
	m := &cp.Metadata
	m.RedirectURIs = append([]string(nil), m.RedirectURIs...)
	m.GrantTypes = append([]string(nil), m.GrantTypes...)
	m.ResponseTypes = append([]string(nil), m.ResponseTypes...)
	m.Contacts = append([]string(nil), m.Contacts...)
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

func cloneToken(t *store.Token) *store.Token {
	cp := *t
	cp.Hash = append([]byte(nil), t.Hash...)
	cp.Resources = append([]string(nil), t.Resources...)
	return &cp
}

// CreateClient implements store.Clients.
func (s *Store) CreateClient(_ context.Context, c *store.Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c.ID]; ok {
		return fmt.Errorf("create client %q: %w", c.ID, store.ErrExists)
	}
	s.clients[c.ID] = cloneClient(c)
	return nil
}

// GetClient implements store.Clients.
func (s *Store) GetClient(_ context.Context, id string) (*store.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("get client %q: %w", id, store.ErrNotFound)
	}
	return cloneClient(c), nil
}

// UpdateClient implements store.Clients.
func (s *Store) UpdateClient(_ context.Context, c *store.Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c.ID]; !ok {
		return fmt.Errorf("update client %q: %w", c.ID, store.ErrNotFound)
	}
	s.clients[c.ID] = cloneClient(c)
	return nil
}

// DeleteClient implements store.Clients.
func (s *Store) DeleteClient(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[id]; !ok {
		return fmt.Errorf("delete client %q: %w", id, store.ErrNotFound)
	}
	delete(s.clients, id)
	for k, e := range s.codes {
		if e.code.ClientID == id {
			delete(s.codes, k)
		}
	}
	for k, t := range s.tokens {
		if t.ClientID == id {
			delete(s.tokens, k)
		}
	}
	for k := range s.consents {
		if k[1] == id {
			delete(s.consents, k)
		}
	}
	return nil
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
	return nil
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
	key := string(t.Hash)
	if _, ok := s.tokens[key]; ok {
		return fmt.Errorf("save token: %w", store.ErrExists)
	}
	s.sweepLocked()
	s.tokens[key] = cloneToken(t)
	return nil
}

// GetToken implements store.Tokens.
func (s *Store) GetToken(_ context.Context, hash []byte) (*store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[string(hash)]
	if !ok {
		return nil, fmt.Errorf("get token: %w", store.ErrNotFound)
	}
	return cloneToken(t), nil
}

// RotateToken implements store.Tokens.
func (s *Store) RotateToken(_ context.Context, hash []byte) (*store.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[string(hash)]
	if !ok {
		return nil, fmt.Errorf("rotate token: %w", store.ErrNotFound)
	}
	if t.Rotated {
		return cloneToken(t), fmt.Errorf("rotate token: %w", store.ErrAlreadyUsed)
	}
	t.Rotated = true
	return cloneToken(t), nil
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(_ context.Context, hash []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[string(hash)]
	if !ok {
		return fmt.Errorf("revoke token: %w", store.ErrNotFound)
	}
	t.Revoked = true
	return nil
}

// RevokeGrant implements store.Tokens.
func (s *Store) RevokeGrant(_ context.Context, grantID string) error {
	if grantID == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.GrantID == grantID {
			t.Revoked = true
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

// Close implements store.Store.
func (s *Store) Close() error { return nil }
