package rfc9728

import (
	"context"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// humanReadableChecks returns the checks of RFC 9728 §2.1, Human-Readable
// Resource Metadata.
func humanReadableChecks() []*suite.Check {
	return []*suite.Check{untaggedInstance}
}

var untaggedInstance = &suite.Check{
	ID: "rfc9728-2.1-untagged-instance", Spec: suite.RFC9728, Section: "2.1", Level: suite.Should,
	Requires: needMetadata, Profiles: []vocab.Profile{vocab.ProfileResource},
	Title: "Each language-tagged human-readable parameter also has its untagged instance",
	Quote: "To facilitate interoperability, it is RECOMMENDED that each kind of human-readable metadata provided include an instance of its metadata parameter " +
		"without any language tags in addition to any language-specific parameters ...",
	Run: runUntaggedInstance,
}

// runUntaggedInstance looks at the parameters written with a language tag
// ("resource_name#it", §2.1: "language tags [BCP47] are added to resource
// metadata parameter names, delimited by a # character") and wants the
// parameter without the tag next to each.
func runUntaggedInstance(_ context.Context, t *suite.T) error {
	doc := t.Target.ResourceMetadata
	var missing []string
	for name := range doc {
		base, tag, tagged := strings.Cut(name, "#")
		if !tagged || base == "" || tag == "" {
			continue
		}
		if _, ok := doc[base]; !ok && !slices.Contains(missing, base) {
			missing = append(missing, base)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return expect.Fail(t.Target.ResourceMetadataResult, strings.Join(missing, ", ")+" without a language tag, next to the tagged ones",
		"only language-tagged instances; parameters: "+expect.Keys(doc),
		"a client that does not match any of the language tags has nothing to show for %s", strings.Join(missing, ", ")).
		WithFix("add each human-readable parameter once without a language tag, with a value suitable for display anywhere")
}
