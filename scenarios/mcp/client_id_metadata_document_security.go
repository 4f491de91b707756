package mcp

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/vocab"
)

// cimdSecurityChecks returns the checks of the MCP authorization
// specification (2025-11-25), Client ID Metadata Document Security.
func cimdSecurityChecks() []*suite.Check {
	return []*suite.Check{cimdRedirectHostShown}
}

var cimdRedirectHostShown = &suite.Check{
	ID: "mcp-2025-11-25-cimd-redirect-host-shown", Spec: suite.MCP, Section: "Client ID Metadata Document Security", Level: suite.Must,
	Requires: append([]vocab.Feature{vocab.FeatureBrowser}, cimdFeatures...), Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The consent page for a document's client shows the host of its redirect URI",
	Quote: "Authorization servers: ... MUST clearly display the redirect URI hostname during authorization",
	Run:   runCIMDRedirectHostShown,
}

// runCIMDRedirectHostShown looks for the redirect URI's host on the
// consent page of a document's client.
func runCIMDRedirectHostShown(ctx context.Context, t *suite.T) error {
	cc, err := cimdConsent(ctx, t)
	if err != nil {
		return err
	}
	return judgeHostShown(cc, cc.redirect, "the redirect URI",
		"show the redirect URI's host name on the consent page, so that the person sees where the code will go before approving")
}
