package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Redacted replaces every secret in what the suite records and reports.
const Redacted = "[REDACTED]"

// Class says where a secret may be sent (see Policy).
type Class uint8

// Classes, from the least to the most restricted.
const (
	// AccessToken is an access token: besides the trusted origins, it may
	// go to the protected resource the config names.
	AccessToken Class = iota + 1
	// Credential is anything else the suite is trusted with or learns:
	// client secrets, initial and registration access tokens, refresh
	// tokens, codes, passwords. It goes to the trusted origins only.
	Credential
)

// Limits of the secret set: a hostile server must not be able to make
// redaction slow by issuing thousands of tokens.
const (
	minSecretLen       = 4
	maxSecretLen       = 8 << 10 // longer than any token or secret a server should hand out
	maxLearnedSecrets  = 20000
	maxLearnedPerReply = 16
)

// secretSet holds every registered secret in every form it may travel in,
// in a radix tree. Redaction walks the tree from each position of a text
// whose first four bytes start some form (a bit filter answers that), so
// that secrets sharing a prefix (JWTs share their header) are compared once,
// whatever their number.
type secretSet struct {
	mu      sync.RWMutex
	known   map[string]Class // registered values
	forms   map[string]Class // every encoded form of every value
	root    rnode
	filter  [1 << 10]uint64 // bit per hash of four bytes that start a form
	learned int             // values learned from exchanges
	pairs   map[[2]string]bool
}

// rnode is a node of the radix tree of forms; class is set when a form ends
// there.
type rnode struct {
	edges []*redge
	wide  *[256]*redge // edges by first byte, once there are many
	class Class
}

type redge struct {
	label string
	to    *rnode
}

func (n *rnode) find(b byte) *redge {
	if n.wide != nil {
		return n.wide[b]
	}
	for _, e := range n.edges {
		if e.label[0] == b {
			return e
		}
	}
	return nil
}

func (n *rnode) add(e *redge) {
	n.edges = append(n.edges, e)
	if n.wide != nil {
		n.wide[e.label[0]] = e
	} else if len(n.edges) > 16 {
		n.wide = new([256]*redge)
		for _, x := range n.edges {
			n.wide[x.label[0]] = x
		}
	}
}

// insert adds form f with class c, splitting an edge where f leaves it.
func (n *rnode) insert(f string, c Class) {
	for {
		if f == "" {
			n.class = max(n.class, c)
			return
		}
		e := n.find(f[0])
		if e == nil {
			n.add(&redge{label: f, to: &rnode{class: c}})
			return
		}
		l := commonPrefix(e.label, f)
		if l < len(e.label) {
			mid := &rnode{}
			mid.add(&redge{label: e.label[l:], to: e.to})
			e.label, e.to = e.label[:l], mid
		}
		n, f = e.to, f[l:]
	}
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func key4(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func hash16(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

// add registers v (every form of it) with class c; it reports whether v was
// new.
func (ss *secretSet) add(v string, c Class) bool {
	if len(v) < minSecretLen || len(v) > maxSecretLen {
		return false
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if have, ok := ss.known[v]; ok && have >= c {
		return false
	}
	if ss.known == nil {
		ss.known, ss.forms = map[string]Class{}, map[string]Class{}
	}
	ss.known[v] = c
	for _, f := range encodings(v) {
		ss.addForm(f, c)
	}
	return true
}

// addPair registers the forms in which HTTP Basic authentication carries
// id and secret: base64 of "id:secret", with the raw and the
// form-urlencoded id and secret (RFC 6749 §2.3.1), in the standard and the
// URL alphabets, with and without padding.
func (ss *secretSet) addPair(id, secret string) {
	if len(secret) < minSecretLen || len(secret)+len(id) > maxSecretLen {
		return
	}
	ss.add(secret, Credential)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.pairs == nil {
		ss.pairs = map[[2]string]bool{}
	}
	if ss.pairs[[2]string{id, secret}] {
		return
	}
	ss.pairs[[2]string{id, secret}] = true
	for _, p := range []string{id + ":" + secret, url.QueryEscape(id) + ":" + url.QueryEscape(secret)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			for _, f := range encodings(enc.EncodeToString([]byte(p))) {
				ss.addForm(f, Credential)
			}
		}
	}
}

// addForm indexes one form; the caller holds the lock.
func (ss *secretSet) addForm(f string, c Class) {
	if len(f) < minSecretLen {
		return
	}
	if have, ok := ss.forms[f]; ok && have >= c {
		return
	}
	ss.forms[f] = c
	ss.root.insert(f, c)
	h := hash16(key4(f))
	ss.filter[h>>6] |= 1 << (h & 63)
}

// escapers are the ways a string is written into URLs, forms, JSON and
// quoted messages.
var escapers = []func(string) string{
	url.QueryEscape,
	url.PathEscape,
	func(s string) string { return lowerHex(url.QueryEscape(s)) },
	func(s string) string { return lowerHex(url.PathEscape(s)) },
	func(s string) string { return jsonEscape(s, true) },
	func(s string) string { return jsonEscape(s, false) },
	func(s string) string { return strings.ReplaceAll(jsonEscape(s, true), "/", `\/`) },
	func(s string) string { return strings.ReplaceAll(jsonEscape(s, false), "/", `\/`) },
	func(s string) string { return unquoted(strconv.Quote(s)) },        // Go's %q, in messages
	func(s string) string { return unquoted(strconv.QuoteToASCII(s)) }, // and %+q
}

func unquoted(q string) string { return q[1 : len(q)-1] }

// encodings returns v and the forms it takes once or twice escaped (a
// form-encoded secret echoed in a query parameter is escaped twice).
func encodings(v string) []string {
	if unreserved(v) {
		return []string{v} // no escaper changes it
	}
	seen := map[string]bool{v: true}
	out := []string{v}
	level := []string{v}
	for depth := 0; depth < 2; depth++ {
		var next []string
		for _, s := range level {
			for _, esc := range escapers {
				e := esc(s)
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
					next = append(next, e)
				}
			}
		}
		level = next
	}
	return out
}

// unreserved reports whether s has only letters, digits and -._~, which
// no escaper rewrites (base64url tokens, most codes).
func unreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// jsonEscape writes s as encoding/json does inside a string, with or
// without its escaping of <, > and &.
func jsonEscape(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		return s
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// lowerHex lowercases the hex digits of percent escapes (%2B → %2b).
func lowerHex(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + ('a' - 'A')
	}
	return c
}

const ellipsis = "…"

// scan calls hit for every stretch of s that is a registered form, or the
// beginning of one cut short by the end of s or by an ellipsis (a text
// truncated for display). Stretches come in order of their start.
//
// Comparisons are bounded: a text built to resemble long secrets at every
// position (a hostile body of one repeated character) would otherwise cost
// its length times theirs. scan reports false when it gave up; the caller
// then treats the whole text as secret.
func (ss *secretSet) scan(s string, hit func(start, end int, c Class, whole bool)) bool {
	if len(s) < minSecretLen {
		return true
	}
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	if len(ss.forms) == 0 {
		return true
	}
	budget := 64*len(s) + 1<<20
	k := uint32(s[0])<<8 | uint32(s[1])<<16 | uint32(s[2])<<24
	for i := 0; i+minSecretLen <= len(s); i++ {
		k = k>>8 | uint32(s[i+3])<<24
		h := hash16(k)
		if ss.filter[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		n, j := &ss.root, i
		for {
			if n.class > 0 && j > i {
				hit(i, j, n.class, true) // a whole form; a longer one may follow
			}
			cut := j == len(s) || strings.HasPrefix(s[j:], ellipsis)
			e := (*redge)(nil)
			if j < len(s) {
				e = n.find(s[j])
			}
			if e == nil {
				if cut && j-i >= minSecretLen && (len(n.edges) > 0) {
					hit(i, j, Credential, false) // a form cut short for display
				}
				break
			}
			l := commonPrefix(e.label, s[j:])
			if budget -= l + 1; budget < 0 {
				return false
			}
			if l < len(e.label) {
				if end := j + l; (end == len(s) || strings.HasPrefix(s[end:], ellipsis)) && end-i >= minSecretLen {
					hit(i, end, Credential, false)
				}
				break
			}
			n, j = e.to, j+l
		}
	}
	return true
}

// Unredactable replaces a text whose redaction would cost too much.
const Unredactable = "[REDACTED: a text too costly to search for secrets]"

// redact replaces every registered form in s, and every beginning of one
// cut by truncation; overlapping secrets are replaced as one stretch.
func (ss *secretSet) redact(s string) string {
	var b strings.Builder
	last, start, end := 0, -1, -1
	complete := ss.scan(s, func(i, j int, _ Class, _ bool) {
		if start >= 0 && i <= end {
			end = max(end, j)
			return
		}
		if start >= 0 {
			b.WriteString(s[last:start])
			b.WriteString(Redacted)
			last = end
		}
		start, end = i, j
	})
	if !complete {
		return Unredactable
	}
	if start < 0 {
		return s
	}
	b.WriteString(s[last:start])
	b.WriteString(Redacted)
	b.WriteString(s[end:])
	return b.String()
}

// classIn returns the most restricted class of the secrets s contains
// whole (0 when none).
func (ss *secretSet) classIn(s string) Class {
	var c Class
	if !ss.scan(s, func(_, _ int, fc Class, whole bool) {
		if whole && fc > c {
			c = fc
		}
	}) {
		return Credential // could not tell: assume the worst
	}
	return c
}

// learn registers a value seen in an exchange, within the limits.
func (ss *secretSet) learn(v string, c Class) {
	ss.mu.RLock()
	full := ss.learned >= maxLearnedSecrets
	ss.mu.RUnlock()
	if full {
		return
	}
	if ss.add(v, c) {
		ss.mu.Lock()
		ss.learned++
		ss.mu.Unlock()
	}
}

// jsonSecretKey matches the name of a JSON member that carries a secret, up
// to its value's opening quote (findJSONMembers).
var jsonSecretKey = regexp.MustCompile(`"(client_secret|access_token|refresh_token|registration_access_token|id_token|code|code_verifier|password|device_code|client_assertion)"(\s*:\s*)"`)

var jsonClientID = regexp.MustCompile(`"client_id"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// redactJSONMembers hides the values of secret-bearing JSON members. It works
// on text so that malformed JSON from a broken server is redacted too.
func redactJSONMembers(s string) string {
	if !strings.Contains(s, `"`) {
		return s
	}
	ms := findJSONMembers(s, jsonSecretKey, -1)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.start])
		b.WriteString(`"` + m.name + `"` + m.sep + `"` + Redacted + `"`)
		last = m.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// paramSecret matches a secret-bearing URL or form parameter in free text.
var paramSecret = regexp.MustCompile(`\b(client_secret|access_token|refresh_token|registration_access_token|id_token|code|code_verifier|password|device_code|client_assertion)=([^&\s"'<>#;,)]+)`)

// redactParams hides the values of secret-bearing parameters in free text
// (a URL or a form quoted in a message).
func redactParams(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	return paramSecret.ReplaceAllStringFunc(s, func(m string) string {
		name, v, _ := strings.Cut(m, "=")
		if v == Redacted || strings.HasPrefix(v, "%5BREDACTED") || v == "…" {
			return m
		}
		return name + "=" + Redacted
	})
}
