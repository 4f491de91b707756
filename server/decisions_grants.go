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
