package server

// Faults of the token endpoint, client authentication and refresh (RFC 6749 §2.3, §3.2, §4.1.3, §4.4, §5, §6).
const ()

var tokenFaults = map[Fault]string{}
