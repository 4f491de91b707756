package server

// Faults of authorization server metadata (RFC 8414) and protected resource metadata (RFC 9728).
const ()

var discoveryFaults = map[Fault]string{}
