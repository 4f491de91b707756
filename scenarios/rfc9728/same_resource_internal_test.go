package rfc9728

import "testing"

func TestSameResource(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://mcp.example.com/mcp", "https://mcp.example.com/mcp", true},
		{"https://mcp.example.com", "https://mcp.example.com/", true},
		{"HTTPS://MCP.example.com/mcp", "https://mcp.example.com/mcp", true},
		{"https://mcp.example.com/mcp", "https://mcp.example.com/mcp/", false},
		{"https://mcp.example.com/MCP", "https://mcp.example.com/mcp", false},
		{"https://mcp.example.com/mcp", "https://other.example.com/mcp", false},
		{"https://mcp.example.com/mcp?x=1", "https://mcp.example.com/mcp", false},
		{"https://mcp.example.com/mcp", "", false},
		{"http://mcp.example.com/mcp", "https://mcp.example.com/mcp", false},
	} {
		if got := sameResource(tc.a, tc.b); got != tc.want {
			t.Errorf("sameResource(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
