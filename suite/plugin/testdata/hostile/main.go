// Command hostile is a plugin that misbehaves in every way the sandbox
// must survive. It is written against the raw ABI (no kit) so that it can
// also hand the host malformed messages.
package main

import (
	"encoding/json"
	"strings"
	"unsafe"

	"github.com/authspec/authspec/suite/plugin/abi"
)

//go:wasmimport authspec_v1 http
func hostHTTP(ptr, n uint32) uint32

//go:wasmimport authspec_v1 reply
func hostReply(dst uint32)

//go:wasmimport authspec_v1 log
func hostLog(ptr, n uint32)

var keep = map[uint32][]byte{}
var out []byte

//go:wasmexport authspec_alloc
func alloc(n uint32) uint32 {
	b := make([]byte, n+1)
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	keep[p] = b
	return p
}

func hand(b []byte) uint64 {
	out = b
	return uint64(uintptr(unsafe.Pointer(&b[0])))<<32 | uint64(len(b))
}

func check(id, title string) abi.CheckInfo {
	return abi.CheckInfo{ID: id, Kind: abi.KindCheck, Title: title, Spec: "authspec sandbox", Section: "1", Level: "MUST"}
}

//go:wasmexport authspec_describe
func describe() uint64 {
	b, _ := json.Marshal(abi.Description{Name: "hostile", ABI: abi.Version, Version: "1", Checks: []abi.CheckInfo{
		check("ok", "behaves"),
		check("loop", "loops forever"),
		check("oom", "exhausts its memory"),
		check("huge", "returns a huge result"),
		check("malformed", "returns a result that is not JSON"),
		check("bad-status", "returns an unknown status"),
		check("forbidden", "reaches for a host outside the target"),
		check("trap", "panics"),
		check("bad-pointer", "returns a result outside its memory"),
	}})
	return hand(b)
}

func get(url string) abi.HTTPResponse {
	req, _ := json.Marshal(abi.HTTPRequest{Method: "GET", URL: url})
	n := hostHTTP(uint32(uintptr(unsafe.Pointer(&req[0]))), uint32(len(req)))
	buf := make([]byte, n+1)
	hostReply(uint32(uintptr(unsafe.Pointer(&buf[0]))))
	var res abi.HTTPResponse
	_ = json.Unmarshal(buf[:n], &res)
	return res
}

func result(r abi.Result) uint64 {
	b, _ := json.Marshal(r)
	return hand(b)
}

var sink [][]byte

//go:wasmexport authspec_run
func run(ptr, n uint32) uint64 {
	var in abi.Input
	_ = json.Unmarshal(keep[ptr][:n], &in)
	msg := []byte("running " + in.Check)
	hostLog(uint32(uintptr(unsafe.Pointer(&msg[0]))), uint32(len(msg)))
	switch in.Check {
	case "ok":
		res := get(in.Target.MetadataURL)
		if res.Status != 200 {
			return result(abi.Result{Status: abi.StatusFail, Message: "metadata: " + res.Error})
		}
		return result(abi.Result{Status: abi.StatusPass})
	case "loop":
		x := 0
		for {
			x++
		}
	case "oom":
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "huge":
		return hand([]byte(`{"status":"fail","message":"` + strings.Repeat("x", 5<<20) + `"}`))
	case "malformed":
		return hand([]byte(`{"status":"pass"} and then garbage`))
	case "bad-status":
		return result(abi.Result{Status: "splendid"})
	case "forbidden":
		get("http://192.0.2.1/exfiltrate")
		return result(abi.Result{Status: abi.StatusPass})
	case "trap":
		var m map[string]int
		m["boom"] = 1
	case "bad-pointer":
		return uint64(0xFFFFFFF0)<<32 | 64
	}
	return result(abi.Result{Status: abi.StatusError, Message: "unknown check"})
}

func main() {}
