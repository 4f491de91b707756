package httpx

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactAuthorization_KeepsShape(t *testing.T) {
	for in, want := range map[string]string{
		"Basic Y2xpZW50OnNlY3JldA==": "Basic [REDACTED]",
		"Bearer a  b":                "Bearer [REDACTED]  [REDACTED]",
		"bearer tok1 tok2":           "bearer [REDACTED] [REDACTED]",
		"Bearer":                     "Bearer",
		"Bearer ":                    "Bearer ",
		"DPoP tok":                   "DPoP [REDACTED]",
		"rawtoken123":                "[REDACTED]",
		"rawtoken other":             "[REDACTED] [REDACTED]",
		"":                           "",
	} {
		assert.Equal(t, want, redactAuthorization(in), in)
	}
}
