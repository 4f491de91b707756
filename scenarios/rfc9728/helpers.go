package rfc9728

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

func gotStatus(res *httpx.Result) string {
	if res == nil {
		return "no response"
	}
	if res.Status == http.StatusOK {
		return "HTTP 200 without a JSON object"
	}
	return fmt.Sprintf("HTTP %d %s", res.Status, http.StatusText(res.Status))
}

var (
	needMetadata = []vocab.Feature{vocab.FeatureResourceMetadata}
	needResource = []vocab.Feature{vocab.FeatureResource}
)

// unauthenticatedChallenge is the protected resource's answer to a request
// without a token (probe.Unauthenticated, shared with the RFC 6750 and MCP
// checks) and its Bearer challenge (ok false when there is none).
func unauthenticatedChallenge(ctx context.Context, t *suite.T) (probe.Challenge, *httpx.Result, bool, error) {
	res, err := probe.Unauthenticated(ctx, t)
	if err != nil {
		return probe.Challenge{}, nil, false, err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	return c, res, ok, nil
}
