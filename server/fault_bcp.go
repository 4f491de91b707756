package server

// Faults of the security BCP (RFC 9700) and OAuth 2.1.
const ()

var bcpFaults = map[Fault]string{}
