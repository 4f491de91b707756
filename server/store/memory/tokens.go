package memory

import (
	"crypto/sha256"
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/authspec/authspec/server/store"
)

// tokenKey is a token hash as a map key that holds no pointer: the maps of
// tokens, and the client and grant indexes, are then never scanned by the
// garbage collector however many tokens the store keeps. A hash of up to
// 32 bytes (store.Hash gives 32) is held as is, with its length; a longer
// one by its SHA-256, the record keeping the original.
type tokenKey struct {
	b [sha256.Size]byte
	n uint8 // length of the hash held in b; longHash for a longer one
}

const longHash = sha256.Size + 1

func keyOf(hash []byte) tokenKey {
	var k tokenKey
	if len(hash) > sha256.Size {
		k.b, k.n = sha256.Sum256(hash), longHash
		return k
	}
	k.n = uint8(copy(k.b[:], hash))
	return k
}

// tokenRecord is what the store keeps of a token: store.Token without its
// hash, which is the record's key, and without a pointer: its strings are
// symbols of the store's table, its times Unix nanoseconds. The map of
// records is then never scanned by the garbage collector, however many
// tokens the store keeps.
type tokenRecord struct {
	issuedAt, expiresAt int64 // Unix nanoseconds; noTime for the zero time
	clientID, subject   sym
	scope, grantID      sym
	jkt, resources      sym // resources: the audiences, encoded by encodeList
	kind                sym
	revoked, rotated    bool
	long                bool // the hash is longer than 32 bytes: Store.longHashes holds it
}

// noTime stands for the zero time.Time in a record.
const noTime = math.MinInt64

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == noTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// newTokenRecordLocked interns t's strings into s's symbols.
func (s *Store) newTokenRecordLocked(t *store.Token, k tokenKey) tokenRecord {
	r := tokenRecord{
		issuedAt: unixNano(t.IssuedAt), expiresAt: unixNano(t.ExpiresAt),
		clientID: s.syms.intern(t.ClientID), subject: s.syms.intern(t.Subject),
		scope: s.syms.intern(t.Scope), grantID: s.syms.intern(t.GrantID),
		jkt: s.syms.intern(t.JKT), resources: s.syms.intern(encodeList(t.Resources)),
		kind: s.syms.intern(string(t.Kind)), revoked: t.Revoked, rotated: t.Rotated,
	}
	if k.n == longHash {
		r.long = true
		s.longHashes[k] = append([]byte(nil), t.Hash...)
	}
	return r
}

// releaseLocked gives r's symbols back, and forgets its long hash.
func (s *Store) releaseLocked(r tokenRecord, k tokenKey) {
	for _, id := range [...]sym{r.clientID, r.subject, r.scope, r.grantID, r.jkt, r.resources, r.kind} {
		s.syms.release(id)
	}
	if r.long {
		delete(s.longHashes, k)
	}
}

// tokenLocked returns the record r of key k as a new store.Token.
func (s *Store) tokenLocked(r tokenRecord, k tokenKey) *store.Token {
	t := &store.Token{
		Kind: store.TokenKind(s.syms.str(r.kind)), Revoked: r.revoked, Rotated: r.rotated,
		ClientID: s.syms.str(r.clientID), Subject: s.syms.str(r.subject), Scope: s.syms.str(r.scope),
		GrantID: s.syms.str(r.grantID), JKT: s.syms.str(r.jkt), Resources: decodeList(s.syms.str(r.resources)),
		IssuedAt: fromUnixNano(r.issuedAt), ExpiresAt: fromUnixNano(r.expiresAt),
	}
	if r.long {
		t.Hash = append([]byte(nil), s.longHashes[k]...)
	} else {
		t.Hash = append([]byte(nil), k.b[:k.n]...)
	}
	return t
}

// encodeList encodes a list of strings as one string ("" for none), so
// that a record holds it as one symbol; decodeList reverses it.
func encodeList(l []string) string {
	if len(l) == 0 {
		return ""
	}
	b, err := json.Marshal(l)
	if err != nil { // a []string always marshals
		return ""
	}
	return string(b)
}

func decodeList(s string) []string {
	if s == "" {
		return nil
	}
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil
	}
	return l
}

// sym is a string interned in a symbols table; 0 is "".
type sym uint32

// symbols interns the strings of token records, counting references: the
// client IDs, scopes, audiences and kinds of a million tokens are a few
// strings held once, and a grant's ID lives as long as its tokens.
type symbols struct {
	strs []string
	refs []uint32
	ids  map[string]sym
	free []sym
}

func newSymbols() *symbols {
	return &symbols{strs: []string{""}, refs: []uint32{0}, ids: map[string]sym{}}
}

// intern returns the symbol of v, holding one more reference to it.
func (t *symbols) intern(v string) sym {
	if v == "" {
		return 0
	}
	if id, ok := t.ids[v]; ok {
		t.refs[id]++
		return id
	}
	v = strings.Clone(v) // never keep a request's buffer alive
	var id sym
	if n := len(t.free); n > 0 {
		id, t.free = t.free[n-1], t.free[:n-1]
		t.strs[id], t.refs[id] = v, 1
	} else {
		id = sym(len(t.strs))
		t.strs, t.refs = append(t.strs, v), append(t.refs, 1)
	}
	t.ids[v] = id
	return id
}

func (t *symbols) str(id sym) string { return t.strs[id] }

// release drops one reference to id, and the string with the last one.
func (t *symbols) release(id sym) {
	if id == 0 {
		return
	}
	if t.refs[id]--; t.refs[id] == 0 {
		delete(t.ids, t.strs[id])
		t.strs[id] = ""
		t.free = append(t.free, id)
	}
}

// grantTokens are the keys of one grant's tokens. Most grants hold one or
// two tokens (a client_credentials grant one, a code grant an access and
// a refresh token, a grant at most Limits.MaxGrantTokens), so a slice
// without pointers serves better than a map of its own per grant.
// keyList is an append-only list of token keys held in chunks of keyChunk
// keys, so that an append never copies the keys listed before it: a
// million-key list grown as one slice would copy tens of megabytes under
// the store's lock at each growth.
type keyList struct {
	chunks [][]tokenKey
	n      int
}

// keyChunk is the number of keys of a chunk (33 KiB).
const keyChunk = 1024

func (l *keyList) add(k tokenKey) {
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == keyChunk {
		l.chunks = append(l.chunks, make([]tokenKey, 0, keyChunk))
	}
	last := len(l.chunks) - 1
	l.chunks[last] = append(l.chunks[last], k)
	l.n++
}

// filter keeps the keys keep accepts, in order, in new chunks.
func (l *keyList) filter(keep func(tokenKey) bool) {
	var kept keyList
	for _, c := range l.chunks {
		for _, k := range c {
			if keep(k) {
				kept.add(k)
			}
		}
	}
	*l = kept
}

type grantTokens []tokenKey

func (g grantTokens) without(k tokenKey) grantTokens {
	for i, x := range g {
		if x == k {
			g[i] = g[len(g)-1]
			return g[:len(g)-1]
		}
	}
	return g
}
