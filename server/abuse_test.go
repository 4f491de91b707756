package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/server"
)

// countingReader counts the bytes the server reads of a request body.
type countingReader struct {
	r    *strings.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

// TestPages_BodiesAreBounded: the login and consent forms read at most
// 64 KiB of a body, like every other endpoint, and answer 413 beyond.
func TestPages_BodiesAreBounded(t *testing.T) {
	srv, err := server.New(server.Config{Issuer: "http://127.0.0.1:9000", Consent: server.ConsentForm})
	require.NoError(t, err)
	h := srv.Handler()
	for _, path := range []string{"/login", "/consent"} {
		body := &countingReader{r: strings.NewReader("request=x&username=" + strings.Repeat("a", 10<<20))}
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000"+path, body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, "%s: %s", path, rec.Body)
		assert.LessOrEqual(t, body.read, 128<<10, "%s read %d bytes of a 10 MiB body", path, body.read)
	}
}
