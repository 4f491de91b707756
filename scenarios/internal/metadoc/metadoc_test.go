package metadoc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func doc(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

func TestEmptyArrays(t *testing.T) {
	m := doc(t, `{"a": [], "b": ["x"], "c": "", "d": {}, "bearer_methods_supported": []}`)
	assert.Equal(t, []string{"a", "bearer_methods_supported"}, EmptyArrays(m))
	assert.Equal(t, []string{"a"}, EmptyArrays(m, "bearer_methods_supported"))
	assert.Empty(t, EmptyArrays(doc(t, `{"a": ["x"]}`)))
}

func TestNotStringArrays(t *testing.T) {
	m := doc(t, `{"ok": ["x", "y"], "str": "x y", "num": [1], "obj": {"a": 1}, "empty": []}`)
	assert.Equal(t, []string{
		`num holds a number 1`,
		`obj is an object {"a":1}`,
		`str is a string "x y"`,
	}, NotStringArrays(m, []string{"ok", "str", "num", "obj", "empty", "absent"}))
}
