package faultpairs_test

import "github.com/authspec/authspec/server"

// Pairs of RFC 8252 checks (native apps) with their faults;
// rfc8252-7.3-loopback-any-port is paired with the redirect URI checks of
// rfc6749_test.go.
var _ = add(map[string]pair{
	"rfc8252-6-public-pkce-verified":         faults(server.FaultPKCEPublicUnchecked),
	"rfc8252-8.1-pkce-required-native":       faults(server.FaultPKCENotRequired),
	"rfc8252-8.4-loopback-path-exact":        faults(server.FaultLoopbackPathIgnored),
	"rfc8252-8.4-private-use-scheme-period":  faults(server.FaultRegisterSchemeWithoutPeriod),
	"rfc8252-8.5-native-no-secret-required":  faults(server.FaultRegisterNativeAppSecret),
	"rfc8252-8.6-public-consent-asked-again": missesShould(server.VariantConsentRememberedPublic),
})
