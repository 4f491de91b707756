package httpx

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// jsonMember is a member of a JSON object whose value is a string, found
// in text (the body may be malformed or cut at the size cap).
type jsonMember struct {
	start, end int    // from the name's opening quote to the value's closing quote, included
	name, sep  string // the name; the colon and the spaces around it
	value      string // as written, escapes included
}

// findJSONMembers finds up to n (n < 0: all) members whose name key
// matches, leftmost first, without overlaps. key matches the name in
// quotes (group 1: the name), the colon and the spaces around it (group
// 2) and the value's opening quote. A member is found exactly where the
// expression key followed by (?:[^"\\]|\\.)*" would match; the value is
// walked by searching for its quotes and backslashes rather than by the
// regexp engine, which steps through every byte of it: a body cut at the
// size cap inside a string of a megabyte takes a search, not seconds.
func findJSONMembers(s string, key *regexp.Regexp, n int) []jsonMember {
	var out []jsonMember
	for pos := 0; pos < len(s) && (n < 0 || len(out) < n); {
		loc := key.FindStringSubmatchIndex(s[pos:])
		if loc == nil {
			break
		}
		vstart := pos + loc[1]
		vlen := jsonStringLen(s[vstart:])
		if vlen < 0 {
			// No string value here: the expression would try the
			// next position.
			pos += loc[0] + 1
			continue
		}
		m := jsonMember{start: pos + loc[0], end: vstart + vlen + 1,
			name: s[pos+loc[2] : pos+loc[3]], sep: s[pos+loc[4] : pos+loc[5]], value: s[vstart : vstart+vlen]}
		out = append(out, m)
		pos = m.end
	}
	return out
}

// jsonStringLen is the length of the string body at the start of s, up to
// its closing quote excluded, as (?:[^"\\]|\\.)*" matches it: a backslash
// takes the next character whatever it is, except a newline, which "."
// does not match. -1: s has no such closing quote.
func jsonStringLen(s string) int {
	i := 0
	for {
		j := strings.IndexAny(s[i:], `"\`)
		if j < 0 {
			return -1
		}
		i += j
		if s[i] == '"' {
			return i
		}
		if i+1 >= len(s) || s[i+1] == '\n' {
			return -1
		}
		_, w := utf8.DecodeRuneInString(s[i+1:])
		i += 1 + w
	}
}
