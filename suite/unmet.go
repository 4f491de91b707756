package suite

import (
	"fmt"
	"strings"

	"github.com/authspec/authspec/suite/vocab"
)

// A check whose required feature the target lacks is SKIP with the reason
// RequiresReason spells: "requires <feature>: <why>". Reports read it back
// with ParseRequires to group the skips by what would enable them.

// RequiresReason is the SKIP reason of a check that needs feature f, which
// the target lacks because of why.
func RequiresReason(f vocab.Feature, why string) string {
	return fmt.Sprintf("requires %s: %s", f, why)
}

// ParseRequires reads a reason written by RequiresReason.
func ParseRequires(reason string) (f vocab.Feature, why string, ok bool) {
	rest, found := strings.CutPrefix(reason, "requires ")
	if !found {
		return "", "", false
	}
	name, why, found := strings.Cut(rest, ": ")
	if !found || name == "" || strings.ContainsAny(name, " \t\n") {
		return "", "", false
	}
	return vocab.Feature(name), why, true
}

// Unmet returns the first feature c requires that the target of env lacks,
// and why; ok is false when the target offers them all (as far as
// discovery and the config tell).
func (env *Env) Unmet(c *Check) (f vocab.Feature, why string, missing bool) {
	for _, f := range c.Requires {
		if ok, why := env.Target.Has(f); !ok {
			return f, why, true
		}
	}
	return "", "", false
}
