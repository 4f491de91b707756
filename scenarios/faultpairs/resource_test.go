package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc6750-3-challenge-on-401":                   faults(server.FaultBearerNoChallenge),
	"rfc6750-3-no-error-without-credentials":       faults(server.FaultBearerErrorNoCreds),
	"rfc6750-3.1-invalid-token-error":              faults(server.FaultBearerNoErrorCode),
	"rfc8707-2-fragment-invalid-target":            faults(server.FaultResourceUnchecked),
	"rfc8707-2-relative-invalid-target":            faults(server.FaultResourceUnchecked),
	"rfc8707-2-token-relative-invalid-target":      faults(server.FaultResourceUnchecked),
	"rfc8707-2.2-token-resource-within-grant":      faults(server.FaultResourceUnchecked),
	"rfc8707-2-audience-restricted":                faults(server.FaultAudienceAllResources),
	"rfc8707-2.2-subset-refresh-keeps-grant":       faults(server.FaultRefreshResourcesNarrowed),
	"rfc8707-2.2-several-resources-audience":       faults(server.FaultAudienceFirstOnly),
	"rfc8707-2.2-effective-scope-reported":         faults(server.FaultResourceDownscopeUnreported),
	"rfc9728-3.3-resource-identical":               {cfg: wrongResourceInMetadata},
	"rfc9728-2-authorization-servers-lists-issuer": faults(server.FaultResourceMetaWrongAS),
})

func wrongResourceInMetadata(c *server.Config) {
	c.Faults = append(c.Faults, server.FaultResourceMetaWrongResource)
}
