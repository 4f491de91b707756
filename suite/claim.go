package suite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite/vocab"
)

// A check with a Claim judges a rule of a profile that the base
// specifications leave open: OAuth 2.1 refuses PKCE plain, which RFC 7636
// permits. A server that follows only the base specifications is lawful,
// so the check runs only when the user declares that the target claims to
// follow the profile, and is SKIP otherwise with the reason ClaimReason
// spells: "judges only a server that claims <profile>: ...". Reports read
// it back with ParseClaimReason to group the skips by what would enable
// them.

// claimPrefix starts every ClaimReason.
const claimPrefix = "judges only a server that claims "

// ClaimReason is the SKIP reason of a check that judges a rule of profile
// p, in a run that does not claim p. It names the config key and the flag
// that declare the claim.
func ClaimReason(p vocab.Profile) string {
	return fmt.Sprintf("%s%s: a server that does not follow %s is lawful here (the base specifications leave this open); "+
		"if the target claims to follow it, add claims: [%s] to the config or run with --claim %s", claimPrefix, p, p, p, p)
}

// ParseClaimReason reads a reason written by ClaimReason.
func ParseClaimReason(reason string) (p vocab.Profile, ok bool) {
	rest, found := strings.CutPrefix(reason, claimPrefix)
	if !found {
		return "", false
	}
	name, _, found := strings.Cut(rest, ": ")
	if !found || name == "" || strings.ContainsAny(name, " \t\n") {
		return "", false
	}
	return vocab.Profile(name), true
}

// Unclaimed returns the Claim of c when the run does not claim it: the
// check then has nothing to judge (SKIP with ClaimReason). missing is false
// for a check without a Claim and for one whose Claim the run declares.
func (env *Env) Unclaimed(c *Check) (p vocab.Profile, missing bool) {
	if c.Claim == "" || slices.Contains(env.Claims, c.Claim) {
		return "", false
	}
	return c.Claim, true
}

// Claims returns every profile that a check of r judges under a claim,
// sorted: the claims a run may declare.
func (r *Registry) Claims() []vocab.Profile {
	var out []vocab.Profile
	for _, c := range r.checks {
		if c.Claim != "" && !slices.Contains(out, c.Claim) {
			out = append(out, c.Claim)
		}
	}
	slices.Sort(out)
	return out
}

// ValidateClaims reports a claim that no check of reg judges: a typo is
// an error, never silently a claim without effect.
func ValidateClaims(reg *Registry, claims []vocab.Profile) error {
	known := reg.Claims()
	for _, p := range claims {
		if !slices.Contains(known, p) {
			return fmt.Errorf("unknown claim %q (the claims checks judge: %s)", p, strings.Join(vocab.Strings(known), ", "))
		}
	}
	return nil
}
