package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"oauth21-4.3.1-refresh-bound-to-client-id": faults(server.FaultRefreshNotBound),
})
