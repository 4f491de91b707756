package server

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/authspec/authspec/internal/editdist"
)

// The reference server's defaults are one lawful behaviour among several.
// A deliberate behaviour is a named switch that changes them, of one of
// two kinds:
//
//   - a fault breaks exactly one requirement, so that the checks about it
//     can be shown to FAIL, and so that client developers can see how their
//     client copes with a broken server;
//   - a variant is a choice the specifications permit (its summary quotes
//     the sentence that permits it): every check must accept it.
//
// Each behaviour is declared once, in behaviour_table.go, and acts in one
// of two places:
//
//   - a behaviour that changes the shape of a response (a header, the
//     content type, a JSON member, the status) is a rewrite rule on the
//     routes it concerns (middleware_*.go), so that the handlers write only
//     the compliant response;
//   - a behaviour that changes a decision goes through one small named
//     function, grouped by endpoint (decisions_*.go), so that a handler
//     reads as the compliant algorithm with a few named decision points.
//
// Endpoints that exist only for a fault (the password and implicit grants,
// CORS at the authorization endpoint) live in files named fault_*.go and
// are served only when their fault is on. No behaviour is on unless named
// in [Config.Faults] or [Config.Variants].

// Kind tells a fault from a variant.
type Kind string

// The kinds of behaviour.
const (
	KindFault   Kind = "fault"
	KindVariant Kind = "variant"
)

// Behaviour describes one deliberate behaviour of the reference server.
type Behaviour struct {
	// Name switches it on: serve --fault NAME or --variant NAME.
	Name string
	Kind Kind
	// Section is the specification section it concerns, as "RFC 6749 §5.2".
	Section string
	// Summary says in one line what the server does when it is on; a
	// variant's quotes the sentence that permits it.
	Summary string
	// Aliases are former names that still switch it on.
	Aliases []string
}

// Fault names a behaviour of kind fault: a deliberate defect.
type Fault string

// Variant names a behaviour of kind variant: a choice the specifications
// permit.
type Variant string

// declared holds the behaviours in declaration order (behaviour_table.go).
var declared []Behaviour

func fault(name, section, summary string, aliases ...string) Fault {
	declared = append(declared, Behaviour{Name: name, Kind: KindFault, Section: section, Summary: summary, Aliases: aliases})
	return Fault(name)
}

func variant(name, section, summary string, aliases ...string) Variant {
	declared = append(declared, Behaviour{Name: name, Kind: KindVariant, Section: section, Summary: summary, Aliases: aliases})
	return Variant(name)
}

// byName finds a behaviour by its name or one of its aliases.
var byName = sync.OnceValue(func() map[string]Behaviour {
	m := make(map[string]Behaviour, len(declared))
	for _, b := range declared {
		m[b.Name] = b
		for _, a := range b.Aliases {
			m[a] = b
		}
	}
	return m
})

// Behaviours returns every behaviour, faults first, each kind sorted by name.
func Behaviours() []Behaviour {
	out := append([]Behaviour(nil), declared...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == KindFault
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Lookup finds a behaviour by its name or one of its aliases.
func Lookup(name string) (Behaviour, bool) {
	b, ok := byName()[name]
	return b, ok
}

// Faults returns every fault, sorted by name.
func Faults() []Fault {
	var out []Fault
	for _, b := range Behaviours() {
		if b.Kind == KindFault {
			out = append(out, Fault(b.Name))
		}
	}
	return out
}

// Variants returns every variant, sorted by name.
func Variants() []Variant {
	var out []Variant
	for _, b := range Behaviours() {
		if b.Kind == KindVariant {
			out = append(out, Variant(b.Name))
		}
	}
	return out
}

// Description says which requirement the fault breaks.
func (f Fault) Description() string {
	b, _ := Lookup(string(f))
	return b.Summary
}

// Description says what the variant changes and which sentence permits it.
func (v Variant) Description() string {
	b, _ := Lookup(string(v))
	return b.Summary
}

// ParseFault validates a fault name (or a former name of a fault) and
// returns the fault's name.
func ParseFault(name string) (Fault, error) {
	b, err := parseBehaviour(name, KindFault)
	return Fault(b.Name), err
}

// ParseVariant validates a variant name and returns it.
func ParseVariant(name string) (Variant, error) {
	b, err := parseBehaviour(name, KindVariant)
	return Variant(b.Name), err
}

func parseBehaviour(name string, kind Kind) (Behaviour, error) {
	name = strings.TrimSpace(name)
	b, ok := Lookup(name)
	switch {
	case ok && b.Kind == kind:
		return b, nil
	case ok:
		return Behaviour{}, fmt.Errorf("%q is a %s, not a %s (use --%s %s)", name, b.Kind, kind, b.Kind, b.Name)
	}
	msg := fmt.Sprintf("unknown %s %q", kind, name)
	if near := closeNames(name, kind); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	}
	return Behaviour{}, fmt.Errorf("%s (see --list-%ss)", msg, kind)
}

// closeNames are the names (and aliases) of behaviours of kind that look
// like name: within a few edits of it, or containing it, closest first.
func closeNames(name string, kind Kind) []string {
	type cand struct {
		name string
		dist int
	}
	var cands []cand
	for n, b := range byName() {
		if b.Kind != kind {
			continue
		}
		d := editdist.Distance(name, n)
		switch {
		case d <= max(2, len(name)/4):
		case len(name) >= 4 && strings.Contains(n, name):
			d = len(n) - len(name)
		default:
			continue
		}
		cands = append(cands, cand{n, d})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for _, c := range cands[:min(len(cands), 5)] {
		out = append(out, c.name)
	}
	return out
}

// behaviourSet is the set of behaviours a server has on, by name.
type behaviourSet map[string]bool

// newBehaviourSet validates the configured faults and variants.
func newBehaviourSet(faults []Fault, variants []Variant) (behaviourSet, error) {
	set := make(behaviourSet)
	for _, f := range faults {
		b, err := parseBehaviour(string(f), KindFault)
		if err != nil {
			return nil, err
		}
		set[b.Name] = true
	}
	for _, v := range variants {
		b, err := parseBehaviour(string(v), KindVariant)
		if err != nil {
			return nil, err
		}
		set[b.Name] = true
	}
	return set, nil
}

// fault reports whether f is on.
func (s *Server) fault(f Fault) bool { return s.on[string(f)] }

// variant reports whether v is on.
func (s *Server) variant(v Variant) bool { return s.on[string(v)] }
