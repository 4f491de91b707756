// Package suite is the engine of authspec: the check model, the immutable
// registry, and the per-check context (T) through which a check drives the
// target. Running checks is suite/runner's job; reporting is reports'.
// Nothing in this package prints or exits.
package suite

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/authspec/authspec/suite/vocab"
)

// Spec names the specification a check enforces.
type Spec string

// Specifications.
const (
	RFC6749 Spec = "RFC 6749"
	RFC6750 Spec = "RFC 6750"
	RFC7009 Spec = "RFC 7009"
	RFC7591 Spec = "RFC 7591"
	RFC7592 Spec = "RFC 7592"
	RFC7636 Spec = "RFC 7636"
	RFC7662 Spec = "RFC 7662"
	RFC8252 Spec = "RFC 8252"
	RFC8414 Spec = "RFC 8414"
	RFC8707 Spec = "RFC 8707"
	RFC9207 Spec = "RFC 9207"
	RFC9126 Spec = "RFC 9126"
	RFC9700 Spec = "RFC 9700"
	RFC9728 Spec = "RFC 9728"
	OAuth21 Spec = "OAuth 2.1"
	MCP     Spec = "MCP Authorization"
	OpenAPI Spec = "authspec OpenAPI contract"
)

// RFC9449 is OAuth 2.0 Demonstrating Proof of Possession (DPoP).
const RFC9449 Spec = "RFC 9449"

// Level is the requirement level of RFC 2119.
type Level string

// Levels.
const (
	Must      Level = "MUST"
	MustNot   Level = "MUST NOT"
	Should    Level = "SHOULD"
	ShouldNot Level = "SHOULD NOT"
	May       Level = "MAY"
)

// Mandatory reports whether a failure at this level is a FAIL (rather than a WARN).
func (l Level) Mandatory() bool { return l == Must || l == MustNot }

// Valid reports whether l is one of the defined levels.
func (l Level) Valid() bool {
	switch l {
	case Must, MustNot, Should, ShouldNot, May:
		return true
	}
	return false
}

// Check is one requirement of one specification, with code that drives a
// target and judges it. Checks are immutable once registered.
type Check struct {
	// ID is stable: rfc<N>-<section>-<slug>. Baselines and CI gates key on it.
	ID      string
	Spec    Spec
	Section string
	Level   Level
	// Requires lists the features without which the check is SKIP.
	Requires []vocab.Feature
	// Profiles are the named plans the check belongs to.
	Profiles []vocab.Profile
	// Claim, when set, is the profile whose rule the check judges where
	// the base specifications leave the behaviour open (OAuth 2.1 requires
	// PKCE of confidential clients, RFC 9700 only recommends it): a server
	// that does not claim to follow that profile is lawful either way, so
	// the check judges only a run that declares the claim (config claims:,
	// authspec run --claim) and is SKIP otherwise (ClaimReason). Claim is
	// one of Profiles.
	Claim vocab.Profile
	// Title is a one-line paraphrase of the requirement.
	Title string
	// Quote is the sentence of the specification the check enforces,
	// verbatim. It holds the RFC 2119 keyword of Level (MUST, REQUIRED,
	// SHALL; MUST NOT, SHALL NOT; SHOULD, RECOMMENDED; SHOULD NOT, NOT
	// RECOMMENDED; MAY, OPTIONAL) unless Keywordless says why a sentence
	// without one binds the server at that level.
	Quote string
	// Keywordless is the reason a normative statement written without a
	// keyword ("responds with HTTP 400", an error code's definition) is
	// enforced at Level. Empty when Quote holds the keyword.
	Keywordless string
	// After marks checks that judge what the other checks observed (the
	// OpenAPI contract); they run once all others have finished.
	After bool
	// Destroys marks a check that spends what its clients hold: it revokes
	// their tokens, replays their codes or refresh tokens, or deletes or
	// rotates them. A server may take a client's whole grant with any of
	// these, and with it the tokens other checks hold. The run's clients
	// are shared and read-only, so such a check gets clients of its own
	// (see T.Confidential); where the target cannot register any, the
	// runner runs it while no other check runs.
	Destroys bool
	// Run drives the target. It returns nil for PASS, a *Failure for
	// FAIL/WARN, a *Skipped for SKIP, and any other error for ERROR.
	Run func(ctx context.Context, t *T) error
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9.]+)+$`)

// Validate reports what is wrong with the definition of c.
func (c *Check) Validate() error {
	var errs []string
	if !idPattern.MatchString(c.ID) {
		errs = append(errs, "ID must be lower-case words joined by '-'")
	}
	if c.Spec == "" {
		errs = append(errs, "no Spec")
	}
	if c.Section == "" {
		errs = append(errs, "no Section")
	}
	if !c.Level.Valid() {
		errs = append(errs, fmt.Sprintf("invalid Level %q", c.Level))
	}
	if c.Title == "" {
		errs = append(errs, "no Title")
	}
	if c.Run == nil {
		errs = append(errs, "no Run")
	}
	if c.Claim != "" && !c.InProfile(c.Claim) {
		errs = append(errs, fmt.Sprintf("Claim %q is not one of its Profiles", c.Claim))
	}
	if len(errs) > 0 {
		return fmt.Errorf("check %q: %s", c.ID, strings.Join(errs, "; "))
	}
	return nil
}

// InProfile reports whether the check belongs to profile p.
func (c *Check) InProfile(p vocab.Profile) bool {
	for _, have := range c.Profiles {
		if have == p {
			return true
		}
	}
	return false
}

// Registry is an immutable, validated, ordered set of checks.
type Registry struct {
	checks []*Check
	byID   map[string]*Check
}

// NewRegistry validates checks (unique IDs, complete definitions) and
// freezes them in ID order.
func NewRegistry(checks ...*Check) (*Registry, error) {
	r := &Registry{byID: make(map[string]*Check, len(checks))}
	var errs []error
	for _, c := range checks {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := r.byID[c.ID]; dup {
			errs = append(errs, fmt.Errorf("check %q is defined twice", c.ID))
			continue
		}
		cp := *c
		cp.Requires = append([]vocab.Feature(nil), c.Requires...)
		cp.Profiles = append([]vocab.Profile(nil), c.Profiles...)
		r.byID[c.ID] = &cp
		r.checks = append(r.checks, &cp)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(r.checks, func(i, j int) bool { return r.checks[i].ID < r.checks[j].ID })
	return r, nil
}

// Checks returns the checks in ID order. The slice is a copy; the checks are
// shared and must not be modified.
func (r *Registry) Checks() []*Check { return append([]*Check(nil), r.checks...) }

// Get returns the check with id.
func (r *Registry) Get(id string) (*Check, bool) { c, ok := r.byID[id]; return c, ok }

// Len is the number of checks.
func (r *Registry) Len() int { return len(r.checks) }

// Profiles returns every profile named by a check, sorted.
func (r *Registry) Profiles() []vocab.Profile {
	seen := map[vocab.Profile]bool{}
	for _, c := range r.checks {
		for _, p := range c.Profiles {
			seen[p] = true
		}
	}
	out := make([]vocab.Profile, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// OwnsClients reports whether c runs with clients of its own: it spends
// what its clients hold (Destroys), or the server keeps one grant per user
// and client (Env.OneGrantPerClient), where any authorization revokes what
// other checks hold.
func (e *Env) OwnsClients(ctx context.Context, c *Check) bool {
	return c != nil && (c.Destroys || e.OneGrantPerClient(ctx))
}
