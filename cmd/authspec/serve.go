package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/authspec/authspec/server"
	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/memory"
	"github.com/authspec/authspec/server/store/sqlite"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (port 0 picks a free port)")
	issuer := fs.String("issuer", "", "issuer URL (default http://ADDR)")
	storeSpec := fs.String("store", "memory", "store: memory, or sqlite:PATH for a persistent store")
	consent := fs.String("consent", "form", "consent mode: form (login and consent pages) or auto (approve at once)")
	cimd := fs.String("cimd", "off", "client ID metadata documents (URL client_ids): off, on (fetch https documents from public addresses), or loopback (loopback addresses only, http allowed: for testing clients on this machine)")
	listFaults := fs.Bool("list-faults", false, "list the fault switches and exit")
	readyFile := fs.String("ready-file", "", "write the issuer URL to this file once listening")
	iat := fs.String("initial-access-token", "", "require this bearer token at the registration endpoint (default: open registration)")
	logRequests := fs.Bool("log-requests", false, "log one line per request")
	var faults, users, scopes, resources, clients listFlag
	fs.Var(&faults, "fault", "switch on a deliberate defect (repeatable; see --list-faults)")
	fs.Var(&users, "user", "login user as NAME:PASSWORD (repeatable; default alice:wonderland)")
	fs.Var(&scopes, "scope", "supported scope (repeatable; default read, write)")
	fs.Var(&resources, "resource", "resource indicator tokens may be issued for (repeatable; default ISSUER/mcp)")
	fs.Var(&clients, "client", "static client as ID:SECRET:REDIRECT_URI[,REDIRECT_URI...] (empty SECRET: public client; repeatable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: authspec serve [flags]\n\nRuns the reference OAuth 2.0 authorization server.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: 0, err: errHelp}
		}
		return &exitError{code: 2, err: errHelp}
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *listFaults {
		for _, f := range server.Faults() {
			fmt.Fprintf(stdout, "%-40s %s\n", f, f.Description())
		}
		return nil
	}
	cfg := server.Config{Consent: server.ConsentMode(*consent), InitialAccessToken: *iat, Scopes: scopes, Resources: resources, CIMD: server.CIMDMode(*cimd)}
	for _, name := range faults {
		f, err := server.ParseFault(name)
		if err != nil {
			return usageErr("--fault: %v", err)
		}
		cfg.Faults = append(cfg.Faults, f)
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

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("listen on %s: %w", *addr, err)}
	}
	defer ln.Close()
	cfg.Issuer = *issuer
	if cfg.Issuer == "" {
		cfg.Issuer = "http://" + ln.Addr().String()
	}
	st, err := openStore(ctx, *storeSpec)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer st.Close()
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
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	fmt.Fprintf(stdout, "authspec reference server listening on %s\n", ln.Addr())
	fmt.Fprintf(stdout, "  issuer:    %s\n", cfg.Issuer)
	fmt.Fprintf(stdout, "  metadata:  %s\n", wellKnown(cfg.Issuer))
	fmt.Fprintf(stdout, "  resource:  %s\n", srv.ResourceURL())
	fmt.Fprintf(stdout, "  consent:   %s   store: %s   client ID metadata documents: %s\n", cfg.Consent, *storeSpec, *cimd)
	if len(cfg.Faults) > 0 {
		fmt.Fprintf(stdout, "  faults:    %s\n", faults.String())
	}
	if *readyFile != "" {
		if err := os.WriteFile(*readyFile, []byte(cfg.Issuer+"\n"), 0o600); err != nil {
			return fmt.Errorf("write ready file: %w", err)
		}
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "authspec reference server stopped")
	return nil
}

func wellKnown(issuer string) string {
	scheme, rest, _ := strings.Cut(issuer, "://")
	host, path, _ := strings.Cut(rest, "/")
	path = strings.TrimSuffix(path, "/")
	if path != "" {
		path = "/" + path
	}
	return scheme + "://" + host + "/.well-known/oauth-authorization-server" + path
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
	default:
		return nil, fmt.Errorf("--store %q: want memory or sqlite:PATH", spec)
	}
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
