package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc7591-3.2.1-201-created":               faults(server.FaultRegister200),
	"rfc7591-3.2.1-secret-expires-at":         faults(server.FaultNoSecretExpiresAt),
	"rfc7591-3.2.1-metadata-echoed":           faults(server.FaultRegisterNoEcho),
	"rfc7591-2-defaults-registered":           faults(server.FaultRegisterNoDefaults),
	"rfc7591-2-unknown-metadata-ignored":      faults(server.FaultRegisterUnknownFatal),
	"rfc7591-3.2.2-fragment-redirect-refused": faults(server.FaultRegisterFragment),
})
