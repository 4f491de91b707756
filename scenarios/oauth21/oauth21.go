// Package oauth21 holds the checks of The OAuth 2.1 Authorization Framework
// (draft-ietf-oauth-v2-1) that go beyond RFC 6749 and RFC 9700, one file per
// section.
package oauth21

import "github.com/authspec/authspec/suite"

// Checks returns the OAuth 2.1 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	return out
}
