package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc9700-2.1.2-no-implicit-grant":                   faults(server.FaultBCPImplicitGrant),
	"rfc9700-2.4-no-password-grant":                     faults(server.FaultBCPPasswordGrant),
	"rfc9700-4.1.3-no-redirect-patterns":                faults(server.FaultBCPRedirectPatterns),
	"rfc9700-4.15-client-id-not-chosen":                 faults(server.FaultBCPClientChosenID),
	"rfc9700-4.12-no-307-after-post":                    faults(server.FaultBCPPostRedirect307),
	"rfc9700-4.11.2-authenticate-before-error-redirect": faults(server.FaultErrorRedirectBeforeLogin),
	"rfc9700-4.12-303-after-post":                       faults(server.FaultBCPPostRedirect302),
	"rfc9700-4.2.4-no-third-party-resources":            faults(server.FaultBCPThirdPartyResources),
})

var _ = add(map[string]pair{"rfc9700-2.1-no-open-redirector": faults(server.FaultLogoutOpenRedirect)})

var _ = add(map[string]pair{"rfc9700-4.14.2-refresh-token-integrity": faults(server.FaultRefreshIntegrityUnchecked)})

var _ = add(map[string]pair{"rfc9700-4.16-csp-frame-ancestors": faults(server.FaultFramingXFOOnly)})

var _ = add(map[string]pair{"rfc9700-2.6-no-cors-at-authorization-endpoint": faults(server.FaultBCPAuthorizeCORS)})

// A server without DPoP or mutual TLS issues bearer tokens only.
var _ = add(map[string]pair{"rfc9700-2.2.1-sender-constraining-offered": missesShould(server.VariantDPoPNotSupported)})
