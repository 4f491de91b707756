package suite

import "github.com/authspec/authspec/suite/vocab"

// CatalogEntry is the public description of a check (authspec list --json,
// the golden catalog, docs/checks.md).
type CatalogEntry struct {
	ID       string          `json:"id"`
	Spec     Spec            `json:"spec"`
	Section  string          `json:"section"`
	Level    Level           `json:"level"`
	Requires []vocab.Feature `json:"requires"`
	Profiles []vocab.Profile `json:"profiles"`
	// Claim is the profile the target must claim to follow for the check
	// to judge it (Check.Claim); empty for a check that judges every run.
	Claim vocab.Profile `json:"claim,omitempty"`
	Title string        `json:"title"`
	Quote string        `json:"quote,omitempty"`
	// Keywordless says why a quote without an RFC 2119 keyword is normative.
	Keywordless string `json:"keywordless,omitempty"`
	// File is the source file that defines the check, relative to the
	// repository (scenarios/rfc6749/4_1_2_1_error_response.go). The registry
	// does not know it; the golden catalog test fills it from the sources.
	File string `json:"file,omitempty"`
}

// Catalog describes every check of the registry, in ID order.
func (r *Registry) Catalog() []CatalogEntry {
	out := make([]CatalogEntry, 0, len(r.checks))
	for _, c := range r.checks {
		e := CatalogEntry{ID: c.ID, Spec: c.Spec, Section: c.Section, Level: c.Level,
			Requires: append([]vocab.Feature{}, c.Requires...), Profiles: append([]vocab.Profile{}, c.Profiles...),
			Claim: c.Claim, Title: c.Title, Quote: c.Quote, Keywordless: c.Keywordless}
		out = append(out, e)
	}
	return out
}
