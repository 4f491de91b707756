//go:build race

package load_test

// raceEnabled: the race detector slows every request about tenfold, so the
// flood is smaller (it still fills the client store).
const raceEnabled = true
