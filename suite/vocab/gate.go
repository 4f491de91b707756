package vocab

import "fmt"

// Gate is the level at which failures fail a run (authspec run --fail-on,
// conformance.Options.FailOn). Which results fail at each gate is
// suite.Result.FailsAt.
type Gate string

// Gates.
const (
	// GateMust fails a run on FAIL and ERROR: a broken MUST, or a check
	// that could not finish.
	GateMust Gate = "must"
	// GateShould also fails it on WARN: a broken SHOULD, or an observation.
	GateShould Gate = "should"
)

// ParseGate reads a gate as given by a person; "" is GateMust.
func ParseGate(s string) (Gate, error) {
	switch g := Gate(s); g {
	case "":
		return GateMust, nil
	case GateMust, GateShould:
		return g, nil
	}
	return "", fmt.Errorf("%q: use must or should", s)
}
