package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
)

// The demo protected resource speaks enough of MCP's Streamable HTTP
// transport to be recognised as an MCP server: an authorized POST of a
// JSON-RPC request gets a JSON-RPC response (initialize and ping are
// answered, other methods are "method not found"), a notification or a
// response gets 202 Accepted. Other POST bodies get the resource's plain
// JSON answer.

// mcpProtocolVersions are the MCP revisions the demo resource speaks,
// newest first.
var mcpProtocolVersions = []string{"2025-11-25", "2025-06-18", "2025-03-26"}

// jsonRPCMessage is a JSON-RPC 2.0 request, notification or response.
type jsonRPCMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// readJSONRPC reads the body of a POST as one JSON-RPC message; ok is false
// when it is none (the body is put back for the plain answer).
func readJSONRPC(w http.ResponseWriter, r *http.Request) (jsonRPCMessage, bool) {
	var m jsonRPCMessage
	if r.Method != http.MethodPost || r.Body == nil {
		return m, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || json.Unmarshal(body, &m) != nil || m.JSONRPC != "2.0" {
		return m, false
	}
	return m, m.Method != "" || m.Result != nil || m.Error != nil
}

// answerJSONRPC answers an authorized JSON-RPC message as an MCP server
// does over Streamable HTTP.
func (s *Server) answerJSONRPC(w http.ResponseWriter, m jsonRPCMessage) {
	if m.ID == nil || m.Method == "" {
		// A notification or a response: accepted, no body.
		w.WriteHeader(http.StatusAccepted)
		return
	}
	out := map[string]any{"jsonrpc": "2.0", "id": m.ID}
	switch m.Method {
	case "initialize":
		var p struct {
			ProtocolVersion string `json:"protocolVersion"`
		}
		_ = json.Unmarshal(m.Params, &p)
		version := mcpProtocolVersions[0]
		if slices.Contains(mcpProtocolVersions, p.ProtocolVersion) {
			version = p.ProtocolVersion
		}
		out["result"] = map[string]any{
			"protocolVersion": version,
			"capabilities":    map[string]any{},
			"serverInfo":      map[string]any{"name": "authspec demo resource", "version": "1"},
		}
	case "ping":
		out["result"] = map[string]any{}
	default:
		out["error"] = map[string]any{"code": -32601, "message": "method not found: " + m.Method}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// jsonRPCMethod is the method of the JSON-RPC request a POST carries, ""
// for anything else; the body is put back.
func jsonRPCMethod(r *http.Request) string {
	if r.Method != http.MethodPost || r.Body == nil {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes))
	r.Body = io.NopCloser(bytes.NewReader(body))
	var m jsonRPCMessage
	if err != nil || json.Unmarshal(body, &m) != nil {
		return ""
	}
	return m.Method
}
