// Package rfc9728 holds the checks of RFC 9728, OAuth 2.0 Protected
// Resource Metadata, one file per section of the RFC.
package rfc9728

import (
	"context"
	"fmt"
	"net/http"

	"github.com/authspec/authspec/scenarios/internal/probe"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// Checks returns the RFC 9728 checks.
func Checks() []*suite.Check {
	var out []*suite.Check
	out = append(out, metadataChecks()...)
	out = append(out, retrievalChecks()...)
	out = append(out, validationChecks()...)
	out = append(out, challengeChecks()...)
	return out
}

var (
	needMetadata = []suite.Feature{suite.FeatureResourceMetadata}
	needResource = []suite.Feature{suite.FeatureResource}
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
