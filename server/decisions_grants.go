package server

import (
	"context"
	"sync"
)

// The variant earlier-grants-revoked: one live grant per client and user.

// grantsByUser records, for the variant, the grant of each client and user
// pair, so that the next authorization can revoke it.
type grantsByUser struct {
	mu     sync.Mutex
	grants map[[2]string]string
}

// revokeEarlierGrants revokes the grant the client had from subject
// before grantID, when the variant is on; otherwise it does nothing.
func (s *Server) revokeEarlierGrants(ctx context.Context, clientID, subject, grantID string) {
	if !s.variant(VariantEarlierGrantsRevoked) {
		return
	}
	key := [2]string{clientID, subject}
	s.userGrants.mu.Lock()
	if s.userGrants.grants == nil {
		s.userGrants.grants = map[[2]string]string{}
	}
	earlier := s.userGrants.grants[key]
	s.userGrants.grants[key] = grantID
	s.userGrants.mu.Unlock()
	if earlier == "" {
		return
	}
	if err := s.store.RevokeGrant(ctx, earlier); err != nil {
		s.log.Error("authorize: revoke the earlier grant", "err", err)
	}
}

// maxRetryGrace bounds the grants whose previous refresh token the variant
// refresh-retry-grace remembers; past it, one is forgotten (its previous
// token is then a replay, the default).
const maxRetryGrace = 1 << 14

// retryGrace records, for the variant refresh-retry-grace, the refresh
// token of each grant whose replacement has not been used yet.
type retryGrace struct {
	mu   sync.Mutex
	prev map[string]string // grant ID → hash of its previous refresh token
}

// refreshRetryAllowed reports whether the rotated refresh token of hash
// h, of grant grantID, may be used again: only with the variant, while
// its replacement has not been used.
func (s *Server) refreshRetryAllowed(grantID string, h []byte) bool {
	if !s.variant(VariantRefreshRetryGrace) || grantID == "" {
		return false
	}
	s.refreshGrace.mu.Lock()
	defer s.refreshGrace.mu.Unlock()
	return s.refreshGrace.prev[grantID] == string(h)
}

// noteRotation records, with the variant, that the refresh token of hash
// h, of grant grantID, has been exchanged: it is the grant's previous
// token now, and the one before it is no longer usable.
func (s *Server) noteRotation(grantID string, h []byte) {
	if !s.variant(VariantRefreshRetryGrace) || grantID == "" {
		return
	}
	s.refreshGrace.mu.Lock()
	defer s.refreshGrace.mu.Unlock()
	if s.refreshGrace.prev == nil {
		s.refreshGrace.prev = map[string]string{}
	}
	if _, ok := s.refreshGrace.prev[grantID]; !ok && len(s.refreshGrace.prev) >= maxRetryGrace {
		for k := range s.refreshGrace.prev {
			delete(s.refreshGrace.prev, k)
			break
		}
	}
	s.refreshGrace.prev[grantID] = string(h)
}
