package rfc7592

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/regclient"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

var (
	mgmt     = []vocab.Feature{vocab.FeatureDCR, vocab.FeatureDCRManagement}
	profiles = []vocab.Profile{vocab.ProfileDCR}
)

// read sends an RFC 7592 §2.1 read request with token.
func read(ctx context.Context, t *suite.T, m *regclient.Managed, token, note string) (*httpx.Result, error) {
	return regclient.Call(ctx, t, http.MethodGet, m.URI, token, nil, note)
}

// readOK reads the client's configuration and SKIPs when the read itself
// fails (rfc7592-2.1-read-200 reports that).
func readOK(ctx context.Context, t *suite.T, m *regclient.Managed, note string) (*httpx.Result, map[string]any, error) {
	res, err := read(ctx, t, m, m.Token, note)
	if err != nil {
		return nil, nil, err
	}
	if res.Status != http.StatusOK {
		return res, nil, suite.SkipErr("reading the client configuration answered HTTP %d (see rfc7592-2.1-read-200)", res.Status)
	}
	var info map[string]any
	if json.Unmarshal(res.Body, &info) != nil || info == nil {
		return res, nil, suite.SkipErr("the client read response is not a JSON object (see rfc7592-2.1-read-200)")
	}
	return res, info, nil
}

// leaks reports whether a refusal's body shows the registration (its
// redirect URIs or client secret).
func leaks(res *httpx.Result) bool {
	var body map[string]any
	if json.Unmarshal(res.Body, &body) != nil {
		return false
	}
	_, hasURIs := body["redirect_uris"]
	_, hasSecret := body["client_secret"]
	return hasURIs || hasSecret
}
