package reports

import (
	"html/template"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCodeSpans(t *testing.T) {
	for in, want := range map[string]template.HTML{
		"set `resource:` in the config": "set <code>resource:</code> in the config",
		"`a<b>` and `c`":                "<code>a&lt;b&gt;</code> and <code>c</code>",
		"an unpaired ` backquote <x>":   "an unpaired ` backquote &lt;x&gt;",
		"no code":                       "no code",
		"`clients.public` then ` stray": "<code>clients.public</code> then ` stray",
	} {
		assert.Equal(t, want, codeSpans(in), in)
	}
}
