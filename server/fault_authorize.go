package server

// Faults of the authorization endpoint, login and consent (RFC 6749 §3.1, §4.1, §10).
const ()

var authorizeFaults = map[Fault]string{}
