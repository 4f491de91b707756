package openapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

const maxBody = 1 << 20

// readAllCapped reads at most 1 MiB of the body and puts it back.
func readAllCapped(resp *http.Response) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("openapi: read body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}
