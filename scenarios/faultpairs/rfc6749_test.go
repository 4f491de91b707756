package faultpairs_test

import "github.com/authspec/authspec/server"

var _ = add(map[string]pair{
	"rfc6749-2.3.1-basic-auth-accepted":   faults(server.FaultBasicAuthIgnored),
	"rfc6749-2.3.1-basic-form-urldecoded": faults(server.FaultBasicNoURLDecode),
	"rfc6749-2.3-single-auth-method":      faults(server.FaultConflictingAuthOK),
	"rfc6749-5.1-cache-control-no-store":  faults(server.FaultNoCacheControl),
	"rfc6749-5.1-token-type":              faults(server.FaultTokenTypeMissing),
	"rfc6749-5.2-invalid-client-401":      faults(server.FaultNoWWWAuthenticate),
	"rfc6749-5.2-unsupported-grant-type":  faults(server.FaultUnknownGrantWrongErr),
})
