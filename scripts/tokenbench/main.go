// Command tokenbench measures the reference server's token endpoint
// (client_credentials, HTTP Basic, memory store) against a bare net/http
// handler that parses the form and writes a fixed token response, both
// loaded by wrk (Debian's package) from outside the process: rounds
// alternate between the two, and each line gives req/s, p50 and p99.
//
//	go run ./scripts/tokenbench [-rounds 3] [-duration 8s] [-threads 2] [-connections 32]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
)

const bareResponse = `{"access_token":"0123456789abcdefghijklmnopqrstuvwxyzABCDEFG","token_type":"Bearer","expires_in":3600,"scope":"read"}`

// wrkScript posts a client_credentials token request with HTTP Basic.
const wrkScript = `wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=read"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic YmVuY2g6YmVuY2gtc2VjcmV0"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.0f %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`

func main() {
	rounds := flag.Int("rounds", 3, "rounds; each loads the server, then the bare handler")
	duration := flag.Duration("duration", 8*time.Second, "length of one wrk run")
	threads := flag.Int("threads", 2, "wrk threads")
	conns := flag.Int("connections", 32, "wrk connections")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the process during the reference server's last run (its store the fullest) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tokenbench:", err)
			os.Exit(1)
		}
		defer f.Close()
		profile = f
	}
	if err := run(*rounds, *duration, *threads, *conns); err != nil {
		fmt.Fprintln(os.Stderr, "tokenbench:", err)
		os.Exit(1)
	}
}

// profile, when set, receives a CPU profile of the reference server's last run.
var profile io.Writer

type result struct {
	rps, p50ms, p99ms float64
	errors            int
}

func run(rounds int, d time.Duration, threads, conns int) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed: apt-get install wrk (make deps installs it)")
	}
	dir, err := os.MkdirTemp("", "tokenbench")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "token.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o600); err != nil {
		return fmt.Errorf("write the wrk script: %w", err)
	}

	srvURL, stopSrv, err := serveReference()
	if err != nil {
		return err
	}
	defer stopSrv()
	bareURL, stopBare, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, bareResponse)
	}))
	if err != nil {
		return err
	}
	defer stopBare()

	fmt.Printf("wrk -t%d -c%d -d%s, client_credentials with HTTP Basic; %d rounds, alternating\n", threads, conns, d, rounds)
	var ratios []float64
	for i := 1; i <= rounds; i++ {
		if profile != nil && i == rounds {
			if err := pprof.StartCPUProfile(profile); err != nil {
				return fmt.Errorf("CPU profile: %w", err)
			}
		}
		s, err := load(script, srvURL, d, threads, conns)
		if profile != nil && i == rounds {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return err
		}
		b, err := load(script, bareURL, d, threads, conns)
		if err != nil {
			return err
		}
		ratio := s.rps / b.rps
		ratios = append(ratios, ratio)
		fmt.Printf("round %d: reference server %6.0f req/s p50 %5.2f ms p99 %5.2f ms errors %d | bare handler %6.0f req/s p50 %5.2f ms p99 %5.2f ms errors %d | %.0f%% of the bare handler, p99 %.1fx\n",
			i, s.rps, s.p50ms, s.p99ms, s.errors, b.rps, b.p50ms, b.p99ms, b.errors, 100*ratio, s.p99ms/b.p99ms)
	}
	lo, hi := math.Inf(1), 0.0
	for _, r := range ratios {
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	fmt.Printf("reference server: %.0f–%.0f%% of the bare handler's req/s\n", 100*lo, 100*hi)
	return nil
}

// serveReference starts the reference server with one client_credentials
// client and without the per-source rate limits and per-client caps (wrk
// is one source, one client).
func serveReference() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	issuer := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{Issuer: issuer,
		Limits: server.Limits{Token: server.NoRateLimit, Registration: server.NoRateLimit, MaxTokens: math.MaxInt32, MaxClientTokens: math.MaxInt32},
		Clients: []server.StaticClient{{ID: "bench", Secret: "bench-secret",
			Metadata: store.ClientMetadata{GrantTypes: []string{"client_credentials"}}}}})
	if err != nil {
		ln.Close()
		return "", nil, fmt.Errorf("reference server: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return issuer + "/token", func() { _ = hs.Shutdown(context.Background()); _ = srv.Store().Close() }, nil
}

func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/token", func() { _ = hs.Shutdown(context.Background()) }, nil
}

var resultLine = regexp.MustCompile(`^RESULT (\d+) (\d+) (\d+) (\d+) (\d+)$`)

func load(script, u string, d time.Duration, threads, conns int) (result, error) {
	cmd := exec.Command("wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s", "-s", script, u)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk %s: %w: %s", u, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		m := resultLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		us, _ := strconv.ParseFloat(m[2], 64)
		p50, _ := strconv.ParseFloat(m[3], 64)
		p99, _ := strconv.ParseFloat(m[4], 64)
		errs, _ := strconv.Atoi(m[5])
		return result{rps: n / (us / 1e6), p50ms: p50 / 1000, p99ms: p99 / 1000, errors: errs}, nil
	}
	return result{}, fmt.Errorf("wrk %s: no result line in its output: %s", u, out)
}
