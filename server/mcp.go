package server

// userApprovedAny reports whether subject approved any client before.
func (s *Server) userApprovedAny(subject string) bool {
	_, ok := s.approvedUsers.Load(subject)
	return ok
}
