package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// RFC 7592 §2.1 and §2.2 answer with "a payload as described in Section 3",
// where registration_client_uri and registration_access_token are REQUIRED.
func TestClientConfig_ReadAndUpdateCarryManagementFields(t *testing.T) {
	e := newEnv(t, server.Config{})
	c := e.register(nil)

	r := e.sendJSON(http.MethodGet, c.RegURI, nil, c.RegToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	assert.Equal(t, c.RegToken, m["registration_access_token"], "read response")
	assert.Equal(t, c.RegURI, m["registration_client_uri"], "read response")

	upd := map[string]any{"client_id": c.ID, "redirect_uris": []string{"https://new.example/cb"}, "client_name": "Renamed"}
	r = e.sendJSON(http.MethodPut, c.RegURI, upd, c.RegToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m = r.json(t)
	assert.Equal(t, c.RegToken, m["registration_access_token"], "update response")
	assert.Equal(t, c.RegURI, m["registration_client_uri"], "update response")
}

// Without the fault, one client's registration access token opens no other
// client's configuration; with it, exactly the tokens of other clients do.
func TestClientConfig_OtherClientFault(t *testing.T) {
	e := newEnv(t, server.Config{Faults: []server.Fault{server.FaultRegMgmtOtherClient}})
	victim, attacker := e.register(nil), e.register(nil)
	assert.Equal(t, http.StatusOK, e.sendJSON(http.MethodGet, victim.RegURI, nil, attacker.RegToken).status)
	assert.Equal(t, http.StatusUnauthorized, e.sendJSON(http.MethodGet, victim.RegURI, nil, "not-a-token").status)
}
