//go:build wasip1

package kit

import (
	"encoding/json"
	"fmt"
	"time"
	"unsafe"

	"github.com/authspec/authspec/suite/plugin/abi"
)

//go:wasmimport authspec_v1 http
func importHTTP(ptr, n uint32) uint32

//go:wasmimport authspec_v1 authorize
func importAuthorize(ptr, n uint32) uint32

//go:wasmimport authspec_v1 reply
func importReply(dst uint32)

//go:wasmimport authspec_v1 log
func importLog(ptr, n uint32)

//go:wasmimport authspec_v1 now_ms
func importNowMS() int64

//go:wasmimport authspec_v1 random
func importRandom(ptr, n uint32)

var _ = abi.HostModule // the import module above must equal abi.HostModule

// buffers keeps the memory handed to the host reachable until it is used.
var buffers = map[uint32][]byte{}

//go:wasmexport authspec_alloc
func exportAlloc(size uint32) uint32 {
	if size == 0 {
		size = 1
	}
	b := make([]byte, size)
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	buffers[p] = b
	return p
}

// output is the last result, kept alive until the next call.
var output []byte

func hand(b []byte) uint64 {
	output = b
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&b[0])))<<32 | uint64(len(b))
}

//go:wasmexport authspec_describe
func exportDescribe() uint64 { return hand(describe()) }

//go:wasmexport authspec_run
func exportRun(ptr, n uint32) uint64 {
	b, ok := buffers[ptr]
	delete(buffers, ptr)
	if !ok || int(n) > len(b) {
		return hand(mustJSON(Errorf("the host passed an input buffer the plugin did not allocate")))
	}
	return hand(run(b[:n]))
}

const (
	hostHTTP = iota
	hostAuthorize
)

func hostCall(fn int, req, reply any) error {
	in, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode the host request: %w", err)
	}
	p := uint32(uintptr(unsafe.Pointer(&in[0])))
	var n uint32
	switch fn {
	case hostHTTP:
		n = importHTTP(p, uint32(len(in)))
	case hostAuthorize:
		n = importAuthorize(p, uint32(len(in)))
	}
	out := make([]byte, n+1)
	importReply(uint32(uintptr(unsafe.Pointer(&out[0]))))
	if err := json.Unmarshal(out[:n], reply); err != nil {
		return fmt.Errorf("the host's reply is not JSON: %w", err)
	}
	return nil
}

func hostLog(s string) {
	if s == "" {
		return
	}
	b := []byte(s)
	importLog(uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
}

func hostRandom(b []byte) {
	if len(b) > 0 {
		importRandom(uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
	}
}

// Now is the host's wall clock.
func Now() time.Time { return time.UnixMilli(importNowMS()) }
