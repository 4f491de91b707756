// Package scenarios assembles the checks of every specification into the
// catalog. The list is explicit: no init() registration.
package scenarios

import (
	"fmt"

	"github.com/authspec/authspec/scenarios/contract"
	"github.com/authspec/authspec/scenarios/mcp"
	"github.com/authspec/authspec/scenarios/oauth21"
	"github.com/authspec/authspec/scenarios/rfc6749"
	"github.com/authspec/authspec/scenarios/rfc6750"
	"github.com/authspec/authspec/scenarios/rfc7009"
	"github.com/authspec/authspec/scenarios/rfc7591"
	"github.com/authspec/authspec/scenarios/rfc7592"
	"github.com/authspec/authspec/scenarios/rfc7636"
	"github.com/authspec/authspec/scenarios/rfc7662"
	"github.com/authspec/authspec/scenarios/rfc8252"
	"github.com/authspec/authspec/scenarios/rfc8414"
	"github.com/authspec/authspec/scenarios/rfc8707"
	"github.com/authspec/authspec/scenarios/rfc9126"
	"github.com/authspec/authspec/scenarios/rfc9207"
	"github.com/authspec/authspec/scenarios/rfc9449"
	"github.com/authspec/authspec/scenarios/rfc9700"
	"github.com/authspec/authspec/scenarios/rfc9728"
	"github.com/authspec/authspec/suite"
)

// All returns every built-in check.
func All() []*suite.Check {
	var out []*suite.Check
	out = append(out, rfc6749.Checks()...)
	out = append(out, rfc7009.Checks()...)
	out = append(out, rfc7662.Checks()...)
	out = append(out, rfc8414.Checks()...)
	out = append(out, rfc7636.Checks()...)
	out = append(out, rfc7591.Checks()...)
	out = append(out, rfc7592.Checks()...)
	out = append(out, rfc6750.Checks()...)
	out = append(out, rfc8252.Checks()...)
	out = append(out, rfc8707.Checks()...)
	out = append(out, rfc9728.Checks()...)
	out = append(out, rfc9207.Checks()...)
	out = append(out, rfc9700.Checks()...)
	out = append(out, rfc9449.Checks()...)
	out = append(out, mcp.Checks()...)
	out = append(out, oauth21.Checks()...)
	out = append(out, rfc9126.Checks()...)
	out = append(out, contract.Checks()...)
	return out
}

// Registry returns the built-in catalog, validated.
func Registry() (*suite.Registry, error) {
	checks := All()
	if err := applyProfiles(checks); err != nil {
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	reg, err := suite.NewRegistry(checks...)
	if err != nil {
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	return reg, nil
}
