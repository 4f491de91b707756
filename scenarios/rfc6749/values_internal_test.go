package rfc6749

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/suite/target"
)

func TestEntropyEstimate(t *testing.T) {
	sample := func(gen func(i int) string) []string {
		v := make([]string, entropySamples)
		for i := range v {
			v[i] = gen(i)
		}
		return v
	}
	random := func(int) string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	assert.GreaterOrEqual(t, entropyEstimate(sample(random)).bits, 200.0, "256 random bits")
	jwt := func(i int) string {
		return "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9" + fmt.Sprint(i) + "." + random(i)
	}
	assert.GreaterOrEqual(t, entropyEstimate(sample(jwt)).bits, 200.0, "a JWT's signature")
	counter := func(i int) string { return fmt.Sprintf("0123456789abcdef01234567%020d", 1000+i) }
	assert.Less(t, entropyEstimate(sample(counter)).bits, 10.0, "a counter behind a prefix")
	uuids := func(int) string { // version 4: 122 random bits
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	}
	est := entropyEstimate(sample(uuids))
	assert.Less(t, est.bits, 128.0, "a UUID holds 122 random bits")
	assert.Greater(t, est.bits, 110.0)
	err := judgeEntropy(&credentialKind{name: "authorization codes", values: sample(uuids)})
	assert.ErrorContains(t, err, "hold 124 bits at most", "UUIDs vary in most characters: the message says the bits are too few, not that the values share their characters")
	err = judgeEntropy(&credentialKind{name: "authorization codes", values: sample(counter)})
	assert.ErrorContains(t, err, "share all but a few characters")
}

func TestAlterMiddleOfLastPart(t *testing.T) {
	for _, tok := range []string{"abcdef0123456789", "ZZZZZZZZ", "header.payload.c2lnbmF0dXJl", "----", "9999"} {
		alt := alterMiddleOfLastPart(tok)
		assert.NotEqual(t, tok, alt, tok)
		assert.NotEqual(t, strings.ToLower(tok), strings.ToLower(alt), "%s: not a change of case only", tok)
	}
	assert.Equal(t, "header.payload.", alterMiddleOfLastPart("header.payload.c2lnbmF0dXJl")[:15], "the last part changes")
}

func TestRecipeLogin(t *testing.T) {
	user, password, ok := recipeLogin([]target.Step{{Fill: "#username", Value: "alice"}, {Fill: "input[name=password]", Value: "wonderland"}, {Click: "#login"}})
	assert.True(t, ok)
	assert.Equal(t, "alice", user)
	assert.Equal(t, "wonderland", password)
	_, _, ok = recipeLogin([]target.Step{{Fill: "#otp", Value: "123456"}})
	assert.False(t, ok)
}
