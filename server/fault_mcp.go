package server

// Faults of the MCP authorization profile and Client ID Metadata Documents.
const ()

var mcpFaults = map[Fault]string{}
