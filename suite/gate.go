package suite

import "github.com/authspec/authspec/suite/vocab"

// FailsAt is the gate policy: whether result r fails a run gated at g
// (authspec run --fail-on). FAIL and ERROR fail at every gate, WARN at
// vocab.GateShould; PASS and SKIP never do, nor does a failure the baseline
// accepted.
func (r *Result) FailsAt(g vocab.Gate) bool {
	if r.Baselined {
		return false
	}
	switch r.Status {
	case Fail, Error:
		return true
	case Warn:
		return g == vocab.GateShould
	}
	return false
}
