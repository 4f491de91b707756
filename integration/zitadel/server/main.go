// Command server is the example OpenID Provider of zitadel/oidc
// (github.com/zitadel/oidc/v3/example/server), run as it is for authspec's
// integration test: its in-memory storage, its users, its login page and its
// three clients, with the redirect URI of the test. The only parts written
// here are what the example's own main does with fixed values: the port (a
// free one) and the file the issuer is written to once the server listens.
//
//	server [-redirect-uri URI]        (the redirect URI of every client)
//	READY_FILE=path server            (the issuer is written there once listening)
//
// It listens on 127.0.0.1 only. Everything lives in memory.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

func main() {
	redirectURI := flag.String("redirect-uri", "http://127.0.0.1:8976/callback", "redirect URI of the example's clients")
	flag.Parse()
	if err := run(*redirectURI); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(redirectURI string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// The example's issuer ends with a slash (http://localhost:9998/).
	issuer := fmt.Sprintf("http://%s/", ln.Addr())
	// The example's main registers these three clients.
	storage.RegisterClients(
		storage.NativeClient("native", redirectURI),
		storage.WebClient("web", "secret", redirectURI),
		storage.WebClient("api", "secret", redirectURI),
	)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	router := exampleop.SetupServer(issuer, storage.NewStorage(storage.NewUserStore(issuer)), logger, false)
	if f := os.Getenv("READY_FILE"); f != "" {
		if err := os.WriteFile(f, []byte(issuer), 0o600); err != nil {
			return fmt.Errorf("ready file: %w", err)
		}
	}
	fmt.Println("issuer:", issuer)
	if err := (&http.Server{Handler: router}).Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
