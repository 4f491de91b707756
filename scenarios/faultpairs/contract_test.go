package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"openapi-metadata-responses":     faults(server.FaultMetadataNotJSON),
	"openapi-token-responses":        faults(server.FaultErrorNotJSON),
	"openapi-registration-responses": faults(server.FaultNoSecretExpiresAt),
	"openapi-revocation-responses":   faults(server.FaultErrorNotJSON),
	"openapi-resource-responses":     faults(server.FaultBearerNoChallenge),
})
