package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/browser"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

const browserUsage = `Usage:
  authspec browser inspect --target ISSUER_URL [--config target.yaml] [--username NAME]

inspect opens an authorization request of the target in a headless Chromium,
finds the login and consent forms and prints a browser: recipe for the target
config. With --username (and the password in $AUTHSPEC_PASSWORD) it logs in
with the steps it proposes, page after page, to reach the consent page; it
never approves or denies. The client comes from the config, or is registered
by dynamic registration.
`

func cmdBrowser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "inspect" {
		fmt.Fprint(stderr, browserUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil
		}
		return &exitError{code: 2, err: errHelp}
	}
	fs := flag.NewFlagSet("browser inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var issuerFlag, config, username, authURL string
	var timeout time.Duration
	fs.StringVar(&issuerFlag, "target", "", "issuer URL of the authorization server")
	fs.StringVar(&config, "config", "", "target config file (YAML): clients, resource")
	fs.StringVar(&username, "username", "", "log in as this user to reach the consent page (password from $AUTHSPEC_PASSWORD)")
	fs.StringVar(&authURL, "url", "", "inspect this authorization URL instead of building one (its redirect_uri is intercepted)")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "deadline of every request and browser step")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: 0, err: errHelp}
		}
		return &exitError{code: 2, err: errHelp}
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var creds *browser.Credentials
	if username != "" {
		pw := os.Getenv("AUTHSPEC_PASSWORD")
		if pw == "" {
			return usageErr("--username needs the password in $AUTHSPEC_PASSWORD (not on the command line, where other users can read it)")
		}
		creds = &browser.Credentials{Username: username, Password: pw}
	}
	cfg := &target.Config{}
	var secrets []string
	var err error
	if config != "" {
		if cfg, secrets, err = target.LoadConfig(config, os.LookupEnv); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	issuer := issuerFlag
	if issuer == "" {
		issuer = cfg.Issuer
	}
	redirectURI := ""
	if authURL == "" {
		if issuer == "" {
			return usageErr("no target: give --target ISSUER_URL (or issuer: in --config), or --url")
		}
		authURL, redirectURI, err = inspectionURL(ctx, issuer, cfg, secrets, timeout)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
	} else {
		redirectURI, err = redirectOf(authURL)
		if err != nil {
			return usageErr("--url: %v", err)
		}
	}
	var policy *httpx.Policy
	if issuer != "" {
		// The login is typed only into pages of the target's trusted
		// origins, as in a run.
		if policy, err = httpx.NewPolicy(issuer, cfg.AllowedOrigins, nil); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	b, err := browser.Launch(browser.Options{StepTimeout: timeout, Policy: policy,
		Executable: os.Getenv("AUTHSPEC_CHROMIUM"), DriverDir: os.Getenv("PLAYWRIGHT_DRIVER_PATH"),
		OnNotice: func(msg string) { fmt.Fprintf(stderr, "note: %s\n", msg) }, Trace: browserTrace(stderr)})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer func() { _ = b.Close() }()
	fmt.Fprintf(stderr, "inspecting %s\n", authURL)
	sug, err := b.Suggest(ctx, authURL, redirectURI, creds)
	if sug != nil {
		for _, p := range sug.Pages {
			fmt.Fprintf(stderr, "  page %s: %s\n", p.Kind, p.URL)
			for _, e := range p.Elements {
				if e.Visible {
					fmt.Fprintf(stderr, "    %-8s %-9s %-28s %s\n", e.Tag, e.Type, e.Selector, e.Text)
				}
			}
		}
		for _, n := range sug.Notes {
			fmt.Fprintf(stderr, "  note: %s\n", n)
		}
		if sug.Reached {
			if len(sug.Pages) == 0 || sug.Pages[len(sug.Pages)-1].Kind != "consent" {
				fmt.Fprintln(stderr, "  the redirect URI was reached without a consent page: the target remembers consent or needs none")
			}
			if sug.Redirect != nil {
				fmt.Fprintf(stderr, "  redirect: %s\n", shownRedirect(sug.Redirect))
			}
		}
		if werr := writeRecipe(stdout, sug.Recipe); werr != nil {
			return werr
		}
	}
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}

// inspectionURL builds a valid authorization request for the target, with
// a client from the config or from dynamic registration.
func inspectionURL(ctx context.Context, issuer string, cfg *target.Config, secrets []string, timeout time.Duration) (string, string, error) {
	env, err := suite.Prepare(ctx, issuer, cfg, suite.PrepareOptions{Timeout: timeout, Secrets: secrets, Authorizer: fixture.HTTPAuthorizer{}})
	if err != nil {
		return "", "", err
	}
	t := suite.NewT(env, &suite.Check{ID: "browser-inspect"})
	c, err := t.Confidential(ctx)
	if err != nil {
		if c, err = t.Public(ctx); err != nil {
			return "", "", fmt.Errorf("no client to build an authorization request with (give clients: in the config, or a target with dynamic registration): %w", err)
		}
	}
	ar := t.NewAuthRequest(c)
	u, err := env.Fixtures.URL(ar)
	if err != nil {
		return "", "", fmt.Errorf("authorization URL: %w", err)
	}
	return u, c.RedirectURI, nil
}

// shownRedirect is the redirect to the client without the values of what
// it may carry in confidence (a code, tokens): the names say enough.
func shownRedirect(u *url.URL) string {
	cp := *u
	q := cp.Query()
	for k := range q {
		if k != "error" && k != "error_description" && k != "iss" {
			q.Set(k, "…")
		}
	}
	cp.RawQuery, cp.Fragment = q.Encode(), ""
	return cp.String()
}

func redirectOf(authURL string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", fmt.Errorf("not a URL: %w", err)
	}
	r := u.Query().Get("redirect_uri")
	if r == "" {
		return "", fmt.Errorf("the URL has no redirect_uri parameter to recognise the end of the flow by")
	}
	return r, nil
}

// writeRecipe prints the browser: section of a target config.
func writeRecipe(w io.Writer, r target.BrowserConfig) error {
	type step map[string]any
	conv := func(steps []target.Step) []step {
		var out []step
		for _, s := range steps {
			m := step{}
			switch {
			case s.Fill != "":
				m["fill"], m["value"] = s.Fill, s.Value
			case s.Click != "":
				m["click"] = s.Click
			case s.Select != "":
				m["select"], m["value"] = s.Select, s.Value
			case s.Check != "":
				m["check"] = s.Check
			case s.WaitFor != "":
				m["wait_for"] = s.WaitFor
			}
			if s.URL != "" {
				m["url"] = s.URL
			}
			out = append(out, m)
		}
		return out
	}
	type recipe struct {
		Login   []step `yaml:"login,omitempty"`
		Consent []step `yaml:"consent,omitempty"`
		Deny    []step `yaml:"deny,omitempty"`
	}
	doc := struct {
		Browser recipe `yaml:"browser"`
	}{recipe{conv(r.Login), conv(r.Consent), conv(r.Deny)}}
	fmt.Fprintln(w, "# Suggested by authspec browser inspect: review the selectors, then paste into the target config.")
	fmt.Fprintf(w, "# %s and %s are read from the environment at run time.\n", browser.UsernameValue, browser.PasswordValue)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write the recipe: %w", err)
	}
	return enc.Close()
}

// browserTrace prints a line per browser flow when AUTHSPEC_BROWSER_TRACE
// is set (docs/performance.md), else nil.
func browserTrace(w io.Writer) func(string) {
	if os.Getenv("AUTHSPEC_BROWSER_TRACE") == "" {
		return nil
	}
	var mu sync.Mutex // flows run in parallel
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
}
