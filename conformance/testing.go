package conformance

import (
	"testing"

	"github.com/authspec/authspec/reports"
	"github.com/authspec/authspec/suite"
)

// Test runs the suite with o and reports every check as a subtest of t
// named by its check ID: FAIL and ERROR fail the subtest with the
// explanation and the HTTP exchange, WARN fails it when o.FailOn is
// "should" (and is logged otherwise), SKIP skips it with the reason, and a
// failure accepted by o.Baseline is logged. Stale baseline entries fail t,
// and so does a run aborted because the target stopped answering.
// A run that cannot happen (bad options, target unreachable) fails t at
// once. The report is returned for further assertions.
func Test(t *testing.T, o Options) *reports.Report {
	t.Helper()
	rep, err := Run(t.Context(), o)
	if err != nil {
		t.Fatalf("authspec: the run could not happen: %v", err)
		return nil
	}
	gating := map[string]bool{}
	for _, id := range rep.GatingFailures() {
		gating[id] = true
	}
	for _, r := range rep.Results {
		t.Run(r.ID, func(t *testing.T) {
			switch {
			case r.Status == suite.Pass:
			case r.Status == suite.Skip:
				t.Skip(r.Message)
			case gating[r.ID]:
				t.Error("\n" + reports.Explain(r))
			case r.Baselined:
				t.Log("accepted by the baseline:\n" + reports.Explain(r))
			default:
				t.Log("\n" + reports.Explain(r))
			}
		})
	}
	if rep.Aborted != "" {
		t.Errorf("authspec: the run was aborted: %s", rep.Aborted)
	}
	if rep.Baseline != nil {
		for _, id := range rep.Baseline.Stale {
			t.Errorf("authspec: %s passes now: remove it from the baseline", id)
		}
	}
	return rep
}
