package rfc6749

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
)

// TestForgeable: a forged consent request carries what the page itself
// holds, never what the person typed (a page that approves only with the
// password in the same POST is protected by it).
func TestForgeable(t *testing.T) {
	cfg := &target.Config{Browser: target.BrowserConfig{
		Login: []target.Step{{Fill: "#username", Value: "alice"}, {Fill: "#password", Value: "wonderland"}, {Click: "#login"}},
	}}
	tt := &suite.T{Env: &suite.Env{Target: &target.Target{Config: cfg}}}
	fields := [][2]string{{"username", "alice"}, {"password", "wonderland"}, {"allowed", "true"}, {"csrf_token", "abc"}}
	assert.Equal(t, [][2]string{{"allowed", "true"}, {"csrf_token", "abc"}}, forgeable(tt, fields))
}
