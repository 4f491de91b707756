package memory

import (
	"crypto/sha256"
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
// hash, which is the record's key.
type tokenRecord struct {
	long      []byte // the hash, when longer than 32 bytes
	kind      store.TokenKind
	revoked   bool
	rotated   bool
	clientID  string
	subject   string
	scope     string
	grantID   string
	jkt       string
	resources []string
	issuedAt  time.Time
	expiresAt time.Time
}

func newTokenRecord(t *store.Token, k tokenKey) *tokenRecord {
	r := &tokenRecord{
		kind: t.Kind, revoked: t.Revoked, rotated: t.Rotated,
		clientID: t.ClientID, subject: t.Subject, scope: t.Scope, grantID: t.GrantID, jkt: t.JKT,
		issuedAt: t.IssuedAt, expiresAt: t.ExpiresAt,
	}
	if len(t.Resources) > 0 {
		r.resources = append([]string(nil), t.Resources...)
	}
	if k.n == longHash {
		r.long = append([]byte(nil), t.Hash...)
	}
	return r
}

// token returns a copy of the record as a store.Token with key k.
func (r *tokenRecord) token(k tokenKey) *store.Token {
	t := &store.Token{
		Kind: r.kind, Revoked: r.revoked, Rotated: r.rotated,
		ClientID: r.clientID, Subject: r.subject, Scope: r.scope, GrantID: r.grantID, JKT: r.jkt,
		Resources: append([]string(nil), r.resources...),
		IssuedAt:  r.issuedAt, ExpiresAt: r.expiresAt,
	}
	if k.n == longHash {
		t.Hash = append([]byte(nil), r.long...)
	} else {
		t.Hash = append([]byte(nil), k.b[:k.n]...)
	}
	return t
}

// grantTokens are the keys of one grant's tokens. Most grants hold one or
// two tokens (a client_credentials grant one, a code grant an access and
// a refresh token, a grant at most Limits.MaxGrantTokens), so a slice
// without pointers serves better than a map of its own per grant.
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
