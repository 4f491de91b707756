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

// unauthenticatedChallenge calls the protected resource without a token and
// returns its Bearer challenge (ok false when there is none).
func unauthenticatedChallenge(ctx context.Context, t *suite.T) (probe.Challenge, *httpx.Result, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Target.Resource, nil)
	if err != nil {
		return probe.Challenge{}, nil, false, fmt.Errorf("resource request: %w", err)
	}
	res, err := t.HTTP.Do(ctx, req, "call the protected resource without a token")
	if err != nil {
		return probe.Challenge{}, nil, false, err
	}
	c, ok := probe.Bearer(res.Header.Values("WWW-Authenticate"))
	return c, res, ok, nil
}
