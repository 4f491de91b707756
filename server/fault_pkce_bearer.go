package server

// Faults of PKCE (RFC 7636), bearer token usage at the resource (RFC 6750) and resource indicators (RFC 8707).
const ()

var pkceBearerFaults = map[Fault]string{}
