package reports

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// SkipGroup is the SKIPs of a run that one change would enable: a config
// key to set, a command to run, or an endpoint the target does not offer.
type SkipGroup struct {
	// Need is what the checks need, in words: "a protected resource".
	Need string `json:"need"`
	// Enable says what would enable them, in the words of the engine: the
	// reason the feature is missing, which names the config key or the
	// command when there is one ("no resource configured (set resource:
	// in the config)").
	Enable string `json:"enable"`
	// Key is the config key (or the browser) the reasons name; "" when the
	// target lacks something no setting gives.
	Key string   `json:"key,omitempty"`
	IDs []string `json:"ids"`
}

// Line is the group in one line: "45 checks need a protected resource: no
// resource configured (set resource: in the config)".
func (g SkipGroup) Line() string {
	return fmt.Sprintf("%s %s %s: %s", plural(len(g.IDs), "check", "checks"), needVerb(len(g.IDs)), g.Need, g.Enable)
}

func needVerb(n int) string {
	if n == 1 {
		return "needs"
	}
	return "need"
}

// SkipGroups groups the SKIPs of results by what would enable them, the
// largest group first. The groups come from what the engine knows, never
// from a list of checks: a check whose required feature the target lacks
// (suite.ParseRequires) is grouped by why it is missing, and any other
// SKIP whose reason names a config key (`resource:`, clients.public) or
// the browser recipe is grouped with the others that name it. The SKIPs
// left, whose reasons are what the target did (an optional member it
// leaves out, a grant it refused), are counted in rest.
func SkipGroups(results []suite.Result) (groups []SkipGroup, rest int) {
	type acc struct {
		key      string
		ids      []string
		features map[vocab.Feature]int
		whys     map[vocab.Feature]string
		messages []string
	}
	byKey := map[string]*acc{}
	var order []string
	keyOf := map[string]string{} // reasons repeat: each is searched once
	keyIn := func(text string) string {
		k, ok := keyOf[text]
		if !ok {
			k = configKeyIn(text)
			keyOf[text] = k
		}
		return k
	}
	for _, r := range results {
		if r.Status != suite.Skip {
			continue
		}
		f, why, isFeature := suite.ParseRequires(r.Message)
		text := r.Message
		if isFeature {
			text = why
		}
		key := keyIn(text)
		gk := "key " + key
		switch {
		case key != "":
		case isFeature:
			gk = "why " + why
		default:
			rest++
			continue
		}
		a, ok := byKey[gk]
		if !ok {
			a = &acc{key: key, features: map[vocab.Feature]int{}, whys: map[vocab.Feature]string{}}
			byKey[gk] = a
			order = append(order, gk)
		}
		a.ids = append(a.ids, r.ID)
		if isFeature {
			a.features[f]++
			if _, seen := a.whys[f]; !seen {
				a.whys[f] = why
			}
		} else {
			a.messages = append(a.messages, r.Message)
		}
	}
	for _, gk := range order {
		a := byKey[gk]
		g := SkipGroup{Key: a.key, IDs: a.ids}
		if len(a.features) > 0 {
			var top vocab.Feature
			for f, n := range a.features {
				if n > a.features[top] || n == a.features[top] && f < top {
					top = f
				}
			}
			g.Need, g.Enable = top.Need(), a.whys[top]
		} else {
			if f := vocab.Feature(a.key); f.Known() {
				g.Need = f.Need()
			} else {
				g.Need = "`" + a.key + ":` in the config"
			}
			shortest := a.messages[0]
			for _, m := range a.messages {
				if len(m) < len(shortest) {
					shortest = m
				}
			}
			g.Enable = truncate(shortest, 300)
		}
		groups = append(groups, g)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].IDs) > len(groups[j].IDs) })
	return groups, rest
}

// configKeyRe matches the keys a SKIP reason may name: the config's
// top-level keys followed by a colon (resource:), its section keys in
// dotted form (clients.public), and the browser recipe's command and flag.
var configKeyRe = func() *regexp.Regexp {
	alts := []string{"authspec browser inspect", `--browser\b`}
	seen := map[string]bool{}
	for _, k := range target.ConfigKeys() {
		top, _, dotted := strings.Cut(k, ".")
		if dotted {
			alts = append(alts, regexp.QuoteMeta(k)+`\b`)
		}
		if !seen[top] {
			seen[top] = true
			alts = append(alts, regexp.QuoteMeta(top)+":")
		}
	}
	// Longer alternatives first, so that clients.public wins over clients:.
	sort.SliceStable(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`(?:^|[^a-z_.])(` + strings.Join(alts, "|") + `)`)
}()

// keyScan bounds how much of a reason is searched for a config key: the
// engine names the key early; what follows may be a server's long answer.
const keyScan = 4 << 10

// configKeyIn returns the config key text names first ("" if none); a
// reason that points at `authspec browser inspect` or --browser names the
// browser recipe, as does any key of the recipe's section.
func configKeyIn(text string) string {
	if len(text) > keyScan {
		text = text[:keyScan]
	}
	m := configKeyRe.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	key := strings.TrimSuffix(m[1], ":")
	switch {
	case key == "authspec browser inspect" || key == "--browser" || strings.HasPrefix(key, "browser."):
		return "browser" // the recipe's parts are one change: write the recipe
	}
	return key
}

// MostlySkipped is one line when more than half of the checks of r were
// skipped, else "".
func MostlySkipped(r *Report) string {
	n := len(r.Results)
	if n == 0 || r.Summary.Skip*2 <= n {
		return ""
	}
	return fmt.Sprintf("Most of the catalog was skipped: %d of %d checks (%.0f%%) could not run against this target and config; the run saw little of the server.",
		r.Summary.Skip, n, pct(r.Summary.Skip, n))
}
