package main

import (
	"context"
	"errors"
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
	"github.com/authspec/authspec/suite/vocab"
)

const browserUsage = `Usage:
  authspec browser inspect --target ISSUER_URL [--config target.yaml] [--username NAME]

inspect opens an authorization request of the target in a headless Chromium,
finds the login and consent forms and prints a target config skeleton: the
issuer, resource and scopes, the client it registered, the browser: recipe and
repeat_consent as observed (authspec browser inspect ... > target.yaml).
With --username (and the password in $AUTHSPEC_PASSWORD) it logs in with the
steps it proposes, page after page, to reach the consent page, approves it
once with the steps it proposes, and opens a second request of the same
client to see whether consent is remembered; it never denies. The client
comes from the config, or is registered by dynamic registration (a public
client where the target allows it); inspect says which.
`

func cmdBrowser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if ok, err := subcommand(args, "inspect", browserUsage, stderr); !ok {
		return err
	}
	fs := newFlagSet("browser inspect", stderr)
	var issuerFlag, config, username, authURL string
	var timeout time.Duration
	fs.StringVar(&issuerFlag, "target", "", "issuer URL of the authorization server")
	fs.StringVar(&config, "config", "", "target config file (YAML): clients, resource")
	fs.StringVar(&username, "username", "", "log in as this user to reach the consent page (password from $AUTHSPEC_PASSWORD)")
	fs.StringVar(&authURL, "url", "", "inspect this authorization URL instead of building one (its redirect_uri is intercepted)")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "deadline of every request and browser step")
	if err := fs.Parse(args[1:]); err != nil {
		return flagsErr(err)
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
	var in *inspection
	if authURL == "" {
		if issuer == "" {
			return usageErr("no target: give --target ISSUER_URL (or issuer: in --config), or --url")
		}
		in, err = inspectionURL(ctx, issuer, cfg, secrets, timeout)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		redirectURI = in.redirectURI
		if creds != nil {
			creds.Repeat = func() (string, error) { return in.url(ctx) }
		}
		if c := in.client; c.Registered {
			fmt.Fprintf(stderr, "registered on the target: %s client %s (redirect URI %s) by dynamic registration at %s\n",
				in.kind, c.ID, c.RedirectURI, in.env.Target.Metadata.RegistrationEndpoint)
		} else {
			fmt.Fprintf(stderr, "client: %s client %s from the config (nothing registered on the target)\n", in.kind, in.client.ID)
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
	trusted, err := cfg.CAKeyHashes()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	b, err := browser.Launch(browser.Options{StepTimeout: timeout, Policy: policy, TrustedKeys: trusted,
		Executable: os.Getenv("AUTHSPEC_CHROMIUM"), DriverDir: os.Getenv("PLAYWRIGHT_DRIVER_PATH"),
		OnNotice: func(msg string) { fmt.Fprintf(stderr, "note: %s\n", msg) }, Trace: browserTrace(stderr)})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer func() { _ = b.Close() }()
	if in != nil {
		// Built once the browser is up: a pushed request's request_uri
		// expires.
		if authURL, err = in.url(ctx); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
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
		if sug.RepeatConsent != "" {
			fmt.Fprintf(stderr, "  repeat consent: %s (a second authorization of the approved %s client %s)\n", sug.RepeatConsent, in.kind,
				map[string]string{target.RepeatConsentRemembered: "went back to the redirect URI without a consent page",
					target.RepeatConsentAlways: "showed the consent page again"}[sug.RepeatConsent])
			if in.kind == "public" && sug.RepeatConsent == target.RepeatConsentAlways {
				fmt.Fprintf(stderr, "  (a server may ask public clients again and remember confidential ones, as RFC 8252 §8.6 recommends: declare the policy of the clients your run uses)\n")
			}
		}
		sk := skeleton{issuer: issuer, cfg: cfg, in: in, recipe: sug.Recipe, repeatConsent: sug.RepeatConsent}
		if in != nil {
			sk.scopesOffered = in.env.Target.Metadata.ScopesSupported
		}
		if werr := writeSkeleton(stdout, sk); werr != nil {
			return werr
		}
	}
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}

// inspection is the authorization request that inspect opens, and what it
// took to build it.
type inspection struct {
	redirectURI string
	env         *suite.Env
	t           *suite.T
	client      *fixture.Client
	kind        string // "public" or "confidential"
}

// url is a new authorization request of the inspection's client: the
// first one inspect opens, and a second of the same client and scope, to
// observe whether consent is remembered. Where the client must push its
// requests (RFC 9126), each is pushed when it is built.
func (in *inspection) url(ctx context.Context) (string, error) {
	u, _, err := in.env.Fixtures.SendURL(ctx, in.t.HTTP, in.t.NewAuthRequest(in.client))
	if err != nil {
		return "", fmt.Errorf("authorization URL: %w", err)
	}
	return u, nil
}

// inspectionURL prepares valid authorization requests for the target (see
// inspection.url), with a client from the config or from dynamic
// registration: a public one where the target allows it (a skeleton can
// name it without a secret), else a confidential one.
func inspectionURL(ctx context.Context, issuer string, cfg *target.Config, secrets []string, timeout time.Duration) (*inspection, error) {
	env, err := suite.Prepare(ctx, issuer, cfg, suite.PrepareOptions{Timeout: timeout, Secrets: secrets, Authorizer: fixture.HTTPAuthorizer{}})
	if err != nil {
		return nil, err
	}
	t := suite.NewT(env, &suite.Check{ID: "browser-inspect"})
	in := &inspection{env: env, t: t}
	var errs []error
	if ok, _ := env.Target.Has(vocab.FeaturePublicClient); ok {
		if in.client, err = t.Public(ctx); err == nil {
			in.kind = "public"
		} else {
			errs = append(errs, err)
		}
	}
	if in.client == nil {
		if in.client, err = t.Confidential(ctx); err != nil {
			return nil, fmt.Errorf("no client to build an authorization request with (give clients: in the config, or a target with dynamic registration): %w",
				errors.Join(append(errs, err)...))
		}
		in.kind = "confidential"
	}
	in.redirectURI = in.client.RedirectURI
	return in, nil
}

// skeleton is the target config inspect writes: what it learnt, the
// recipe it suggests, and the client it registered.
type skeleton struct {
	issuer        string
	cfg           *target.Config
	in            *inspection // nil with --url
	recipe        target.BrowserConfig
	repeatConsent string
	scopesOffered []string
}

// writeSkeleton prints a target config that runs as it is: issuer,
// resource, scopes, the client inspect registered (if any), the browser
// recipe and repeat_consent as observed. What inspect could not learn is
// left as a comment to fill in.
func writeSkeleton(w io.Writer, sk skeleton) error {
	var b strings.Builder
	b.WriteString("# Target config written by authspec browser inspect: review the selectors, fill in what is\n")
	b.WriteString("# commented out, then run: authspec run --config target.yaml\n")
	fmt.Fprintf(&b, "# %s and %s are read from the environment at run time.\n", browser.UsernameValue, browser.PasswordValue)
	doc := map[string]any{}
	var order []string
	set := func(k string, v any) { doc[k] = v; order = append(order, k) }
	if sk.issuer != "" {
		set("issuer", sk.issuer)
	}
	if sk.cfg.Resource != "" {
		set("resource", sk.cfg.Resource)
	}
	if len(sk.cfg.Scopes) > 0 {
		set("scopes", sk.cfg.Scopes)
	}
	if sk.in != nil && sk.in.client.Registered && sk.in.kind == "public" {
		c := sk.in.client
		set("clients", map[string]any{"public": map[string]any{"client_id": c.ID, "redirect_uri": c.RedirectURI}})
	}
	browserDoc := map[string]any{}
	for k, steps := range map[string][]target.Step{"login": sk.recipe.Login, "consent": sk.recipe.Consent, "deny": sk.recipe.Deny} {
		if len(steps) > 0 {
			browserDoc[k] = stepsDoc(steps)
		}
	}
	if sk.repeatConsent != "" {
		browserDoc["repeat_consent"] = sk.repeatConsent
	}
	set("browser", browserDoc)
	for _, k := range order {
		node := &yaml.Node{Kind: yaml.MappingNode}
		key := &yaml.Node{Kind: yaml.ScalarNode, Value: k}
		var val yaml.Node
		if err := val.Encode(doc[k]); err != nil {
			return fmt.Errorf("write the skeleton: %w", err)
		}
		if k == "browser" {
			orderKeys(&val, []string{"login", "consent", "deny", "repeat_consent"})
		}
		node.Content = []*yaml.Node{key, &val}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(node); err != nil {
			return fmt.Errorf("write the skeleton: %w", err)
		}
		if err := enc.Close(); err != nil {
			return fmt.Errorf("write the skeleton: %w", err)
		}
		if k == "issuer" && sk.cfg.Resource == "" {
			b.WriteString("# resource: https://api.example.com/mcp   # the protected resource tokens are for (RFC 8707); its checks SKIP without it\n")
		}
		if k == "issuer" && len(sk.cfg.Scopes) == 0 {
			if len(sk.scopesOffered) > 0 {
				fmt.Fprintf(&b, "# scopes: [%s]   # the scopes to request (the metadata offers these)\n", strings.Join(sk.scopesOffered, ", "))
			} else {
				b.WriteString("# scopes: [read]   # the scopes to request\n")
			}
		}
	}
	if sk.in != nil && sk.in.client.Registered && sk.in.kind == "confidential" {
		fmt.Fprintf(&b, "# clients:   # the confidential client inspect registered; the run registers its own without it\n")
		fmt.Fprintf(&b, "#   confidential: { client_id: %q, client_secret: \"${env:CLIENT_SECRET}\", redirect_uri: %q }\n", sk.in.client.ID, sk.in.client.RedirectURI)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write the skeleton: %w", err)
	}
	return nil
}

// orderKeys puts the keys of mapping n in the order given.
func orderKeys(n *yaml.Node, order []string) {
	if n.Kind != yaml.MappingNode {
		return
	}
	var sorted []*yaml.Node
	for _, k := range order {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				sorted = append(sorted, n.Content[i], n.Content[i+1])
			}
		}
	}
	n.Content = sorted
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

// stepsDoc is a recipe's steps as the config spells them, each with its
// action first.
func stepsDoc(steps []target.Step) []yaml.Node {
	var out []yaml.Node
	for _, s := range steps {
		m := yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		add := func(k, v string) {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle})
		}
		switch {
		case s.Fill != "":
			add("fill", s.Fill)
			add("value", s.Value)
		case s.Click != "":
			add("click", s.Click)
		case s.Select != "":
			add("select", s.Select)
			add("value", s.Value)
		case s.Check != "":
			add("check", s.Check)
		case s.WaitFor != "":
			add("wait_for", s.WaitFor)
		}
		if s.URL != "" {
			add("url", s.URL)
		}
		out = append(out, m)
	}
	return out
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
