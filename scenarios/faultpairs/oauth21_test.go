package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"oauth21-3.2.2-public-client-secret-authenticated": faults(server.FaultPublicClientSecretIgnored),
	"oauth21-4.3.1-refresh-bound-to-client-id":         faults(server.FaultRefreshNotBound),
	"oauth21-5.1-query-token-ignored":                  faults(server.FaultMCPQueryToken),
})
