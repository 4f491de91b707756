package faultpairs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite"
)

// TestErrorsNotRedirectedAreWarnings: a server that shows authorization
// errors to the person instead of redirecting them to the client follows
// RFC 9700 §4.11.2 at the expense of RFC 6749 §4.1.2.1; the checks that
// expect the redirect report it as WARN, never FAIL.
func TestErrorsNotRedirectedAreWarnings(t *testing.T) {
	checks := checksByID(t, "rfc6749-4.1.2.1-error-carries-state", "rfc6749-3.1.1-unsupported-response-type",
		"rfc6749-4.1.2.1-missing-response-type", "rfc6749-4.1.2.1-unknown-scope-invalid-scope", "rfc6749-4.1.2.1-unauthorized-client")
	for _, r := range runChecks(t, server.Config{Faults: []server.Fault{server.FaultErrorsNotRedirected}}, checks) {
		assert.Equal(t, suite.Warn, r.Status, describe(r))
		assert.Contains(t, r.Message, "RFC 9700 §4.11.2", r.ID)
	}
}
