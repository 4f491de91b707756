// Package vocab names what the engine, the checks, the reports and the
// command share: the features a target offers (feature.go), the profiles
// that group checks (profile.go) and the gates of a run (gate.go). The
// values are the spellings of the JSON reports, the golden catalog and the
// YAML config; they never change.
package vocab

// Strings spells names as text, in order.
func Strings[S ~string](names []S) []string {
	if names == nil {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return out
}
