package main

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

func TestParseRateLimit(t *testing.T) {
	def := server.DefaultLimits
	cases := []struct {
		spec     string
		reg, tok server.Rate
		err      bool
	}{
		{spec: ""},
		{spec: "off", reg: server.NoRateLimit, tok: server.NoRateLimit},
		{spec: "register=5/s:100", reg: server.Rate{PerSecond: 5, Burst: 100}},
		{spec: "token=600/m", tok: server.Rate{PerSecond: 10, Burst: def.Token.Burst}},
		{spec: "register=36/h:2, token=off", reg: server.Rate{PerSecond: 0.01, Burst: 2}, tok: server.NoRateLimit},
		{spec: "register=5", err: true},
		{spec: "register=0/s", err: true},
		{spec: "register=-1/s", err: true},
		{spec: "register=5/d", err: true},
		{spec: "register=5/s:0", err: true},
		{spec: "register=5/s:x", err: true},
		{spec: "login=5/s", err: true},
		{spec: "register", err: true},
	}
	for _, tc := range cases {
		reg, tok, err := parseRateLimit(tc.spec)
		if tc.err {
			assert.Error(t, err, "%q", tc.spec)
			continue
		}
		require.NoError(t, err, "%q", tc.spec)
		assert.Equal(t, tc.reg, reg, "%q register", tc.spec)
		assert.Equal(t, tc.tok, tok, "%q token", tc.spec)
	}
}

func TestExposureWarnings(t *testing.T) {
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 9000}
	any4 := &net.TCPAddr{IP: net.IPv4zero, Port: 9000}
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.5"), Port: 9000}
	assert.Empty(t, exposureWarnings(loop, server.Config{}), "loopback")
	assert.Empty(t, exposureWarnings(&net.TCPAddr{IP: net.IPv6loopback}, server.Config{}), "IPv6 loopback")
	for _, addr := range []net.Addr{any4, lan} {
		w := strings.Join(exposureWarnings(addr, server.Config{Consent: server.ConsentAuto}), "\n")
		assert.Contains(t, w, "WARNING")
		assert.Contains(t, w, "--initial-access-token")
		assert.Contains(t, w, "alice:wonderland")
		assert.Contains(t, w, "--consent auto")
	}
	safe := server.Config{InitialAccessToken: "t", Users: map[string]string{"bob": "long-password"}, Consent: server.ConsentForm}
	assert.Empty(t, exposureWarnings(lan, safe), "registration closed, own users, consent asked")
}
