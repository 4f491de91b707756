package faultpairs_test

import (
	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/suite/target"
)

var _ = add(map[string]pair{
	"rfc6749-2.3.1-basic-auth-accepted":           faults(server.FaultBasicAuthIgnored),
	"rfc6749-2.3.1-basic-form-urldecoded":         faults(server.FaultBasicNoURLDecode),
	"rfc6749-2.3.1-basic-raw-plus-refused":        observed(server.FaultBasicPlusKept),
	"rfc6749-4.1.2-code-expires":                  shortLived(server.FaultCodeNeverExpires),
	"rfc6749-2.3-single-auth-method":              observed(server.FaultConflictingAuthOK),
	"rfc6749-5.1-cache-control-no-store":          faults(server.FaultNoCacheControl),
	"rfc6749-5.1-token-type":                      faults(server.FaultTokenTypeMissing),
	"rfc6749-5.2-invalid-client-401":              faults(server.FaultNoWWWAuthenticate),
	"rfc6749-5.2-unsupported-grant-type":          faults(server.FaultUnknownGrantWrongErr),
	"rfc6749-3.1-get-supported":                   faults(server.FaultAuthorizeGETRefused),
	"rfc6749-3.1-endpoint-url":                    faults(server.FaultMetadataEndpointFragment),
	"rfc6749-3.2-endpoint-url":                    faults(server.FaultMetadataEndpointFragment),
	"rfc6749-10.10-credentials-can-hold-128-bits": faults(server.FaultAccessTokensShort),
	"rfc6749-10.10-credentials-entropy-estimate":  faults(server.FaultCodesCounter),
	"rfc6749-10.3-access-token-integrity":         faults(server.FaultAccessTokenSignatureUnchecked),
	"rfc6749-7-expired-token-refused":             shortLived(server.FaultResourceExpiryUnchecked),
	"rfc6749-4.2.1-implicit-redirect-verified":    faults(server.FaultBCPImplicitGrant, server.FaultImplicitRedirectUnverified),
	"rfc6749-4.2.2-implicit-token-response":       faults(server.FaultBCPImplicitGrant, server.FaultImplicitRefreshToken),
	"rfc6749-4.3.2-password-grant-authenticates": {faults: []server.Fault{server.FaultBCPPasswordGrant, server.FaultPasswordGrantUnchecked},
		target: func(c *target.Config) { c.Browser.Login = referenceRecipe.Login }},
	"rfc6749-5.1-expires-in-recommended":            missesShould(server.VariantExpiresInOmitted),
	"rfc6749-10.14-markup-not-reflected":            faults(server.FaultPageReflectsInput),
	"rfc6749-8.1-token-type-registered":             faults(server.FaultTokenTypeUnregistered),
	"rfc6749-4.1.2.1-error-description-charset":     faults(server.FaultErrorDescriptionUnsanitized),
	"rfc6749-5.2-error-description-charset":         faults(server.FaultErrorDescriptionUnsanitized),
	"rfc6749-5.2-unknown-client-invalid-client":     faults(server.FaultTokenUnknownClientWrongError),
	"rfc6749-5.2-post-wrong-secret-invalid-client":  faults(server.FaultTokenSecretPostUnchecked),
	"rfc6749-4.1.2.1-missing-client-not-redirected": faults(server.FaultAuthzMissingClientRedirect),
})

var _ = add(map[string]pair{
	"rfc6749-4.1.2-code-single-use":                 faults(server.FaultCodeReuse),
	"rfc6749-4.1.2-replay-revokes-tokens":           faults(server.FaultReplayNoRevoke),
	"rfc6749-4.1.3-code-bound-to-client":            faults(server.FaultCodeNotBoundToClient),
	"rfc6749-4.1.3-public-code-bound-to-client-id":  faults(server.FaultPublicClientNotBound),
	"rfc6749-4.1.3-redirect-uri-must-match":         faults(server.FaultRedirectURINotChecked),
	"rfc6749-4.1.2-state-echoed":                    faults(server.FaultStateDropped),
	"rfc6749-4.1.2.1-error-carries-state":           faults(server.FaultErrorStateDropped),
	"rfc6749-3.1.1-unsupported-response-type":       faults(server.FaultResponseTypeUnchecked),
	"rfc6749-4.1.2.1-invalid-redirect-not-followed": faults(server.FaultOpenRedirect),
	"rfc9700-4.1.3-exact-redirect-match":            faults(server.FaultRedirectPrefixMatch),
	"rfc8252-7.3-loopback-any-port":                 faults(server.FaultLoopbackPortStrict),
})

var _ = add(map[string]pair{
	"rfc6749-6-scope-not-widened":                 faults(server.FaultRefreshScopeWiden),
	"rfc6749-10.4-refresh-bound-to-client":        faults(server.FaultRefreshNotBound),
	"rfc6749-10.4-public-refresh-bound-to-client": faults(server.FaultPublicClientNotBound),
	"rfc6749-6-new-refresh-token-scope":           faults(server.FaultRefreshNewTokenNarrowed),
	"rfc9700-4.14.2-public-refresh-rotation":      faults(server.FaultRefreshNoRotation),
	"rfc9700-4.14.2-replay-revokes-family":        faults(server.FaultRefreshReplayNoRevoke),
	"rfc6749-3.1-duplicate-parameters":            observed(server.FaultDuplicateParamsOK),
})
