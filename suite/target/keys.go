package target

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/authspec/authspec/internal/editdist"
	"gopkg.in/yaml.v3"
)

// The keys of the config file are those of Config's yaml tags: the
// messages about an unknown key list them from there, so that they cannot
// fall behind the struct.

// yamlFields returns the yaml keys of struct type t with their types, in
// the order of the fields.
func yamlFields(t reflect.Type) (keys []string, types map[string]reflect.Type) {
	types = map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
		types[name] = f.Type
	}
	return keys, types
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// ConfigKeys lists every key of the config file's top level, and the keys
// of its sections in dotted form (clients.client_credentials,
// browser.repeat_consent), in the order of the file's documentation.
func ConfigKeys() []string {
	keys, types := yamlFields(reflect.TypeOf(Config{}))
	var out []string
	for _, k := range keys {
		t := deref(types[k])
		if t.Kind() == reflect.Struct && !hasUnmarshaler(t) {
			sub, _ := yamlFields(t)
			for _, s := range sub {
				out = append(out, k+"."+s)
			}
			continue
		}
		out = append(out, k)
	}
	return out
}

// allKeyPaths lists every key path of the config, at every depth (list
// elements as []).
func allKeyPaths(t reflect.Type, prefix string, out *[]string) {
	t = deref(t)
	switch t.Kind() {
	case reflect.Slice:
		allKeyPaths(t.Elem(), prefix+"[]", out)
	case reflect.Struct:
		keys, types := yamlFields(t)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			*out = append(*out, p)
			allKeyPaths(types[k], p, out)
		}
	}
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

func hasUnmarshaler(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(unmarshalerType) && t != reflect.TypeOf(Config{})
}

// checkKeys finds the first key of n that t does not have and says which
// keys are valid at that level; path is where n is ("" for the top).
func checkKeys(n *yaml.Node, t reflect.Type, path string) *ConfigError {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkKeys(c, t, path); err != nil {
				return err
			}
		}
		return nil
	case yaml.AliasNode:
		return checkKeys(n.Alias, t, path)
	}
	t = deref(t)
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for i, c := range n.Content {
			if err := checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder says what is wrong with its type
		}
		keys, types := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := types[k.Value]
			if !ok {
				return &ConfigError{Line: k.Line, Msg: unknownKeyMsg(k.Value, path, keys)}
			}
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if err := checkKeys(n.Content[i+1], ft, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// unknownKeyMsg says that key is not valid under path, lists the keys that
// are, and suggests the one meant: a key of this level spelt nearly alike,
// or the same key at another level.
func unknownKeyMsg(key, path string, valid []string) string {
	var b strings.Builder
	if path == "" {
		fmt.Fprintf(&b, "unknown key %q", key)
		valid = ConfigKeys()
	} else {
		fmt.Fprintf(&b, "unknown key %q in %s", key, path)
	}
	if s := suggestKey(key, path, valid); s != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", s)
	}
	level := "keys"
	if path != "" {
		level = levelName(path) + " keys"
	}
	fmt.Fprintf(&b, "; %s: %s", level, strings.Join(valid, ", "))
	return b.String()
}

// levelName names a level by its path without list indexes: browser.login[2]
// is "browser.login[]".
func levelName(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			b.WriteString("[]")
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func suggestKey(key, path string, valid []string) string {
	best, dist := "", 3
	for _, v := range valid {
		last := v[strings.LastIndexByte(v, '.')+1:]
		if d := editdist.Distance(key, last); d < dist {
			best, dist = v, d
		}
	}
	if best != "" {
		return best
	}
	var all []string
	allKeyPaths(reflect.TypeOf(Config{}), "", &all)
	here := levelName(path)
	for _, p := range all {
		parent, last := "", p
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			parent, last = p[:i], p[i+1:]
		}
		if last == key && parent != here && !slices.Contains(valid, key) {
			return p
		}
	}
	return ""
}
