//go:build integration

package mcpsdk

import (
	"fmt"
	"testing"

	"github.com/authspec/authspec/integration/harness"
)

func TestMCPSDK(t *testing.T) {
	harness.Test(t, harness.Target{
		Server:     harness.Server{Name: "mcp-sdk", Dir: ".", Cmd: []string{"node", "server.mjs"}},
		NodeModule: "@modelcontextprotocol/sdk",
		Out:        "mcp-sdk",
		Config:     targetConfig,
	})
}

// targetConfig is the target.yaml for the server: its MCP server (whose
// URL server.mjs reports once started, as AUTHSPEC_MCP_SERVER) and the one
// scope the example advertises. Clients come from dynamic registration;
// the authorization endpoint approves every request at once, so there is
// no page to drive and no way to deny.
func targetConfig(issuer string) string {
	return fmt.Sprintf(`issuer: %s
resource: "${env:AUTHSPEC_MCP_SERVER}"
mcp_server: true
scopes: ["mcp:tools"]
`, issuer)
}
