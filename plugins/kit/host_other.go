//go:build !wasip1

package kit

import (
	"errors"
	"time"
)

// Outside a wasm host (native builds, go vet) the host functions are
// unavailable; plugins are built with GOOS=wasip1.

var errNoHost = errors.New("no authspec host: build the plugin with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared")

const (
	hostHTTP = iota
	hostAuthorize
)

func hostCall(int, any, any) error { return errNoHost }
func hostLog(string)               {}
func hostRandom([]byte)            {}

// Now is the wall clock.
func Now() time.Time { return time.Now() }
