package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/memory"
	"github.com/authspec/authspec/server/store/postgres"
	"github.com/authspec/authspec/server/store/sqlite"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (port 0 picks a free port)")
	issuer := fs.String("issuer", "", "issuer URL (default http://ADDR)")
	storeSpec := fs.String("store", "memory", "store: memory, sqlite:PATH for a persistent store, or postgres://USER@HOST:PORT/DB for one that replicas share (the password from PGPASSWORD or ~/.pgpass rather than the URL); $AUTHSPEC_STORE is used when the flag is absent")
	consent := fs.String("consent", "form", "consent mode: form (login and consent pages) or auto (approve at once)")
	cimd := fs.String("cimd", "off", "client ID metadata documents (URL client_ids): off, on (fetch https documents from public addresses), or loopback (loopback addresses only, http allowed: for testing clients on this machine)")
	listFaults := fs.Bool("list-faults", false, "list the faults (deliberate defects) and exit")
	listVariants := fs.Bool("list-variants", false, "list the variants (lawful choices other than the defaults) and exit")
	readyFile := fs.String("ready-file", "", "write the issuer URL to this file once listening")
	iat := fs.String("initial-access-token", "", "require this bearer token at the registration endpoint (default: open registration); @FILE reads it from FILE, and $AUTHSPEC_INITIAL_ACCESS_TOKEN is used when the flag is absent")
	secret := fs.String("secret", "", "at least 32 bytes that key the sealed login state (sessions, pending requests): give replicas the same one; @FILE reads it from FILE, $AUTHSPEC_SERVER_SECRET is used when the flag is absent (default: random per start)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "on SIGTERM or SIGINT, how long running requests may take to finish before their connections are closed")
	logRequests := fs.Bool("log-requests", false, "log one line per request")
	rateLimit := fs.String("rate-limit", "", "rate limits per source address: off, or register=RATE[:BURST],token=RATE[:BURST] with RATE as N/s, N/m or N/h, or off (default register=20/s:1000,token=200/s:5000)")
	tlsCert := fs.String("tls-cert", "", "serve over TLS (1.2 and 1.3) with this PEM certificate chain; needs --tls-key, and the default issuer becomes https://ADDR")
	tlsKey := fs.String("tls-key", "", "the PEM private key of --tls-cert")
	resourceOrigin := fs.String("resource-origin", "", "the origin a reverse proxy serves the demo protected resource (/mcp) at, apart from the issuer's, e.g. https://mcp.example.com: the resource's identifier, metadata and challenges name it (default: the issuer's origin)")
	maxClients := fs.Int("max-clients", 0, "most clients the store holds; at the bound a registration evicts the oldest never-used client (default 5000)")
	var faults, variants, users, scopes, resources, clients, redirectSchemes listFlag
	fs.Var(&faults, "fault", "switch on a deliberate defect (repeatable; see --list-faults)")
	fs.Var(&variants, "variant", "switch on a lawful choice other than the default (repeatable; see --list-variants)")
	fs.Var(&users, "user", "login user as NAME:PASSWORD, or @FILE with one per line (repeatable; $AUTHSPEC_USERS, one per line, when absent; default alice:wonderland)")
	fs.Var(&scopes, "scope", "supported scope (repeatable; default read, write)")
	fs.Var(&resources, "resource", "resource indicator tokens may be issued for (repeatable; default ISSUER/mcp)")
	fs.Var(&clients, "client", "static client as ID:SECRET:REDIRECT_URI[,REDIRECT_URI...] (empty SECRET: public client), or @FILE with one per line (repeatable; $AUTHSPEC_CLIENTS, one per line, when absent)")
	fs.Var(&redirectSchemes, "redirect-scheme", "allow redirect URIs with this private-use scheme although it is not a reverse domain name, e.g. cursor (repeatable)")
	withUsage(fs, "Usage: authspec serve [flags]\n\nRuns the reference OAuth 2.0 authorization server.\n\nFlags:\n")
	if err := fs.Parse(args); err != nil {
		return flagsErr(err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *listFaults || *listVariants {
		kind := server.KindFault
		if *listVariants {
			kind = server.KindVariant
		}
		listBehaviours(stdout, kind)
		return nil
	}
	cfg := server.Config{Consent: server.ConsentMode(*consent), Scopes: scopes, Resources: resources,
		CIMD: server.CIMDMode(*cimd), RedirectSchemes: redirectSchemes, ResourceOrigin: *resourceOrigin}
	// Secrets: from the flag, a file the flag names, or the environment.
	var err error
	if users, err = secretValues("--user", users, "AUTHSPEC_USERS", true, stderr); err != nil {
		return usageErr("%v", err)
	}
	if clients, err = secretValues("--client", clients, "AUTHSPEC_CLIENTS", true, stderr); err != nil {
		return usageErr("%v", err)
	}
	if cfg.InitialAccessToken, err = secretValue("--initial-access-token", *iat, "AUTHSPEC_INITIAL_ACCESS_TOKEN", stderr); err != nil {
		return usageErr("%v", err)
	}
	serverSecret, err := secretValue("--secret", *secret, "AUTHSPEC_SERVER_SECRET", stderr)
	if err != nil {
		return usageErr("%v", err)
	}
	if serverSecret != "" {
		if len(serverSecret) < 32 {
			return usageErr("--secret: %d bytes; at least 32 are needed", len(serverSecret))
		}
		cfg.Secret = []byte(serverSecret)
	}
	if *shutdownTimeout <= 0 {
		return usageErr("--shutdown-timeout must be positive")
	}
	if cfg.Limits.Registration, cfg.Limits.Token, err = parseRateLimit(*rateLimit); err != nil {
		return usageErr("--rate-limit: %v", err)
	}
	if *maxClients < 0 {
		return usageErr("--max-clients must not be negative")
	}
	cfg.Limits.MaxClients = *maxClients
	if (*tlsCert == "") != (*tlsKey == "") {
		return usageErr("--tls-cert and --tls-key go together")
	}
	var cert tls.Certificate
	if *tlsCert != "" {
		if cert, err = tls.LoadX509KeyPair(*tlsCert, *tlsKey); err != nil {
			return usageErr("--tls-cert, --tls-key: %v", err)
		}
	}
	for _, name := range faults {
		f, err := server.ParseFault(name)
		if err != nil {
			return usageErr("--fault: %v", err)
		}
		cfg.Faults = append(cfg.Faults, f)
	}
	for _, name := range variants {
		v, err := server.ParseVariant(name)
		if err != nil {
			return usageErr("--variant: %v", err)
		}
		cfg.Variants = append(cfg.Variants, v)
	}
	if len(users) > 0 {
		cfg.Users = map[string]string{}
		for _, u := range users {
			name, pass, ok := strings.Cut(u, ":")
			if !ok || name == "" || pass == "" {
				return usageErr("--user %q: want NAME:PASSWORD", u)
			}
			cfg.Users[name] = pass
		}
	}
	for _, c := range clients {
		sc, err := parseStaticClient(c)
		if err != nil {
			return usageErr("--client %q: %v", c, err)
		}
		cfg.Clients = append(cfg.Clients, sc)
	}

	storeSet := false
	fs.Visit(func(f *flag.Flag) { storeSet = storeSet || f.Name == "store" })
	if v := os.Getenv("AUTHSPEC_STORE"); v != "" && !storeSet {
		*storeSpec = v
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("listen on %s: %w", *addr, err)}
	}
	defer ln.Close()
	cfg.Issuer = *issuer
	if cfg.Issuer == "" {
		scheme := "http"
		if *tlsCert != "" {
			scheme = "https"
		}
		cfg.Issuer = scheme + "://" + ln.Addr().String()
	}
	st, err := openStore(ctx, *storeSpec)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	// The store is closed only once no handler can use it any more (see
	// drain); until then, any early return closes it.
	storeOwned := true
	defer func() {
		if storeOwned {
			_ = st.Close()
		}
	}()
	cfg.Store = st
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.Logger = logger
	srv, err := server.New(cfg)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	var h http.Handler = srv.Handler()
	if *logRequests {
		h = logRequestsHandler(logger, h)
	}
	var inflight sync.WaitGroup
	h = trackRequests(&inflight, h)
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	if *tlsCert != "" {
		hs.TLSConfig = srv.TLSConfig()
		hs.TLSConfig.Certificates = []tls.Certificate{cert}
		go func() { errc <- hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- hs.Serve(ln) }()
	}

	fmt.Fprintf(stdout, "authspec reference server listening on %s\n", ln.Addr())
	fmt.Fprintf(stdout, "  issuer:    %s\n", srv.Issuer())
	fmt.Fprintf(stdout, "  metadata:  %s\n", srv.MetadataURL())
	fmt.Fprintf(stdout, "  resource:  %s\n", srv.ResourceURL())
	fmt.Fprintf(stdout, "  consent:   %s   store: %s   client ID metadata documents: %s\n", cfg.Consent, redactStore(*storeSpec), *cimd)
	for _, w := range exposureWarnings(ln.Addr(), cfg) {
		fmt.Fprintln(stderr, w)
	}
	if len(cfg.Faults) > 0 {
		fmt.Fprintf(stdout, "  faults:    %s\n", faults.String())
	}
	if len(cfg.Variants) > 0 {
		fmt.Fprintf(stdout, "  variants:  %s\n", variants.String())
	}
	if *readyFile != "" {
		if err := os.WriteFile(*readyFile, []byte(srv.Issuer()+"\n"), 0o600); err != nil {
			return fmt.Errorf("write ready file: %w", err)
		}
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	storeOwned = false
	drain(hs, &inflight, st, *shutdownTimeout, logger)
	fmt.Fprintln(stdout, "authspec reference server stopped")
	return nil
}

// listBehaviours prints the behaviours of one kind, one a line: the name
// first (scripts read it), the section, the summary and any former names.
func listBehaviours(w io.Writer, kind server.Kind) {
	for _, b := range server.Behaviours() {
		if b.Kind != kind {
			continue
		}
		line := fmt.Sprintf("%-45s %-20s %s", b.Name, b.Section, b.Summary)
		if len(b.Aliases) > 0 {
			line += " (formerly " + strings.Join(b.Aliases, ", ") + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// trackRequests counts the requests that are running in next.
func trackRequests(inflight *sync.WaitGroup, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inflight.Add(1)
		defer inflight.Done()
		next.ServeHTTP(w, r)
	})
}

// drain stops the server: it stops accepting connections and lets running
// requests finish (http.Server.Shutdown) for up to timeout, then closes the
// connections that remain, which cancels their requests' contexts, and
// waits up to timeout again for their handlers to return. Only then does it
// close the store, so that no handler finds it closed. A handler that still
// runs after that leaves the store open (the process is ending anyway);
// either way the stop is not an error.
func drain(hs *http.Server, inflight *sync.WaitGroup, st store.Store, timeout time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		log.Warn("requests still running at the shutdown timeout: closing their connections", "timeout", timeout)
		_ = hs.Close()
	}
	// No request can start now: the listener and every connection are
	// closed.
	handlersDone := make(chan struct{})
	go func() { inflight.Wait(); close(handlersDone) }()
	select {
	case <-handlersDone:
		if err := st.Close(); err != nil {
			log.Error("close the store", "err", err)
		}
	case <-time.After(timeout):
		log.Error("handlers still running after their connections were closed: the store is left open")
	}
}

// secretValue resolves a flag that carries one secret: its value, the
// contents of FILE for @FILE, or the environment variable env when the flag
// is empty.
func secretValue(flagName, value, env string, stderr io.Writer) (string, error) {
	vs, err := secretValues(flagName, nonEmpty(value), env, false, stderr)
	if err != nil || len(vs) == 0 {
		return "", err
	}
	return vs[0], nil
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// secretValues resolves a flag that carries secrets, so that none has to
// be on the command line, where ps shows it: a value @FILE is replaced by
// the contents of FILE (for a repeatable flag, one value per line, blank
// lines and lines starting with # left out); without values the
// environment variable env is read the same way. A file others can read is
// used, with a warning.
func secretValues(flagName string, values []string, env string, perLine bool, stderr io.Writer) ([]string, error) {
	split := func(text string) []string {
		if !perLine {
			if v := strings.TrimSpace(text); v != "" {
				return []string{v}
			}
			return nil
		}
		var out []string
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
		return out
	}
	if len(values) == 0 {
		return split(os.Getenv(env)), nil
	}
	var out []string
	for _, v := range values {
		path, isFile := strings.CutPrefix(v, "@")
		if !isFile {
			out = append(out, v)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flagName, err)
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(stderr, "warning: %s: %s is readable by others (mode %v); chmod 600 it\n", flagName, path, fi.Mode().Perm())
		}
		vs := split(string(b))
		if len(vs) == 0 {
			return nil, fmt.Errorf("%s: %s holds no value", flagName, path)
		}
		out = append(out, vs...)
	}
	return out, nil
}

func openStore(ctx context.Context, spec string) (store.Store, error) {
	switch {
	case spec == "memory" || spec == "":
		return memory.New(), nil
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, errors.New("--store sqlite:PATH needs a file path")
		}
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", spec, err)
		}
		return st, nil
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		st, err := postgres.Open(ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", redactStore(spec), err)
		}
		return st, nil
	default:
		return nil, fmt.Errorf("--store %q: want memory, sqlite:PATH or postgres://...", redactStore(spec))
	}
}

// redactStore is a store spec as it may be shown: the password of a
// postgres:// URL, in its user info or its query, is replaced by xxxxx,
// and what is neither a known store nor a URL is not shown at all.
func redactStore(spec string) string {
	if spec == "memory" || spec == "" || strings.HasPrefix(spec, "sqlite:") {
		return spec
	}
	u, err := url.Parse(spec)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return "(not shown: it may hold a password)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func parseStaticClient(v string) (server.StaticClient, error) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return server.StaticClient{}, errors.New("want ID:SECRET:REDIRECT_URI[,REDIRECT_URI...]")
	}
	sc := server.StaticClient{ID: parts[0], Secret: parts[1]}
	sc.Metadata.RedirectURIs = strings.Split(parts[2], ",")
	sc.Metadata.GrantTypes = []string{"authorization_code", "refresh_token"}
	if sc.Secret != "" {
		sc.Metadata.GrantTypes = append(sc.Metadata.GrantTypes, "client_credentials")
	}
	return sc, nil
}

func logRequestsHandler(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// parseRateLimit reads --rate-limit: "" (the defaults), "off", or a
// comma-separated list of register=RATE[:BURST] and token=RATE[:BURST],
// RATE being N/s, N/m, N/h or off. A bucket left out keeps its default; a
// RATE without BURST keeps the default burst.
func parseRateLimit(spec string) (register, token server.Rate, err error) {
	switch strings.TrimSpace(spec) {
	case "":
		return register, token, nil
	case "off":
		return server.NoRateLimit, server.NoRateLimit, nil
	}
	for _, part := range strings.Split(spec, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		var dst *server.Rate
		var def server.Rate
		switch name {
		case "register":
			dst, def = &register, server.DefaultLimits.Registration
		case "token":
			dst, def = &token, server.DefaultLimits.Token
		}
		if !ok || dst == nil {
			return register, token, fmt.Errorf("%q: want register=RATE[:BURST] or token=RATE[:BURST]", part)
		}
		if val == "off" {
			*dst = server.NoRateLimit
			continue
		}
		rateStr, burstStr, hasBurst := strings.Cut(val, ":")
		n, unit, ok := strings.Cut(rateStr, "/")
		per := map[string]float64{"s": 1, "m": 60, "h": 3600}[unit]
		v, perr := strconv.ParseFloat(n, 64)
		if !ok || per == 0 || perr != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return register, token, fmt.Errorf("%q: RATE is N/s, N/m or N/h with N > 0", rateStr)
		}
		*dst = server.Rate{PerSecond: v / per, Burst: def.Burst}
		if hasBurst {
			b, err := strconv.Atoi(burstStr)
			if err != nil || b < 1 {
				return register, token, fmt.Errorf("%q: BURST is a whole number of at least 1", burstStr)
			}
			dst.Burst = b
		}
	}
	return register, token, nil
}

// exposureWarnings are printed when the server listens beyond the loopback
// interface: whoever reaches it can then register clients, sign in with
// the default user, or get codes without any consent.
func exposureWarnings(addr net.Addr, cfg server.Config) []string {
	if ta, ok := addr.(*net.TCPAddr); !ok || ta.IP.IsLoopback() {
		return nil
	}
	var open []string
	if cfg.InitialAccessToken == "" {
		open = append(open, "registration is open to anyone (set --initial-access-token)")
	}
	if len(cfg.Users) == 0 {
		open = append(open, "the default user alice:wonderland, whose password is public, can sign in (set --user)")
	}
	if cfg.Consent == server.ConsentAuto {
		open = append(open, "--consent auto hands out codes for that user without asking anyone")
	}
	if len(open) == 0 {
		return nil
	}
	out := []string{"", fmt.Sprintf("WARNING: the reference server listens on %s, reachable from other machines, and", addr)}
	for _, o := range open {
		out = append(out, "WARNING:   - "+o)
	}
	out = append(out, "WARNING: It is a test server: rate limits and caps keep it from being exhausted, not from being used.",
		"WARNING: See docs/security.md before exposing it beyond this machine.", "")
	return out
}
