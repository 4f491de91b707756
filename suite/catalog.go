package suite

// CatalogEntry is the public description of a check (authspec list --json,
// the golden catalog, docs/checks.md).
type CatalogEntry struct {
	ID       string    `json:"id"`
	Spec     Spec      `json:"spec"`
	Section  string    `json:"section"`
	Level    Level     `json:"level"`
	Requires []Feature `json:"requires"`
	Profiles []string  `json:"profiles"`
	Title    string    `json:"title"`
	Quote    string    `json:"quote,omitempty"`
}

// Catalog describes every check of the registry, in ID order.
func (r *Registry) Catalog() []CatalogEntry {
	out := make([]CatalogEntry, 0, len(r.checks))
	for _, c := range r.checks {
		e := CatalogEntry{ID: c.ID, Spec: c.Spec, Section: c.Section, Level: c.Level,
			Requires: append([]Feature{}, c.Requires...), Profiles: append([]string{}, c.Profiles...),
			Title: c.Title, Quote: c.Quote}
		out = append(out, e)
	}
	return out
}
