package suite

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/openapi"
	"github.com/authspec/authspec/suite/target"
	"github.com/authspec/authspec/suite/vocab"
)

// Env is what every check of a run shares.
type Env struct {
	Target    *target.Target
	Transport *httpx.Transport
	Fixtures  *fixture.Set
	// Contract records how every response compared with openapi.yaml; After
	// checks report it. Nil when contract checking is off.
	Contract *openapi.Recorder
	// MaxWait is the longest a check may wait for a lifetime on the
	// server to pass (a request_uri, a code): 0 is as long as the check's
	// deadline allows, a negative value never (T.WaitFor).
	MaxWait time.Duration
	// Claims are the profiles the target claims to follow (config claims:,
	// authspec run --claim): the checks whose Claim is not among them are
	// SKIP (Env.Unclaimed).
	Claims []vocab.Profile
	// Issued holds the credentials the target issued to the run's checks
	// (Issued); nil reads as none.
	Issued *Issued

	grants grantPolicy // OneGrantPerClient
}

// T is the context of one check run: the target, a recording HTTP client
// whose exchanges become the result's evidence, and the run's fixtures.
type T struct {
	*Env
	Check *Check
	// HTTP records this check's exchanges.
	HTTP *httpx.Client

	// parent is the check's T of a T that computes a shared value: what
	// this one logs or attaches goes there.
	parent *T

	mu          sync.Mutex
	log         []string
	attachments []Attachment

	ownMu sync.Mutex
	owned map[string]*fixture.Client // the check's own clients, by kind
}

// NewT prepares the context of check c.
func NewT(env *Env, c *Check) *T {
	return &T{Env: env, Check: c, HTTP: env.Transport.NewClient()}
}

// waitMargin is the part of a check's deadline WaitFor keeps for the
// requests after the wait.
const waitMargin = 10 * time.Second

// WaitFor waits d, for what (a lifetime on the server) to pass, when the
// run allows it: SKIP naming --max-wait when d is longer than Env.MaxWait,
// or --check-timeout when the check's deadline leaves too little after it.
func (t *T) WaitFor(ctx context.Context, d time.Duration, what string) error {
	if t.MaxWait < 0 || t.MaxWait > 0 && d > t.MaxWait {
		return SkipErr("%s: waiting %s is longer than this run lets a check wait; run it with --max-wait %s or more",
			what, d.Round(time.Second), d.Round(time.Second))
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+waitMargin {
		return SkipErr("%s: waiting %s leaves too little of this check's deadline; run it with --check-timeout %s or more",
			what, d.Round(time.Second), (d + 2*waitMargin).Round(time.Second))
	}
	t.Logf("waiting %s: %s", d.Round(time.Millisecond), what)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting %s: %w", what, ctx.Err())
	case <-timer.C:
		return nil
	}
}

// Logf records a line in the result's log.
func (t *T) Logf(format string, args ...any) {
	if t.parent != nil {
		t.parent.Logf(format, args...)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = append(t.log, t.Transport.Redact(fmt.Sprintf(format, args...)))
}

// Attach adds evidence to the result.
func (t *T) Attach(a Attachment) {
	if t.parent != nil {
		t.parent.Attach(a)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.attachments = append(t.attachments, a)
}

// Log returns the lines logged so far.
func (t *T) Log() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.log...)
}

// Attachments returns the evidence attached so far.
func (t *T) Attachments() []Attachment {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Attachment(nil), t.attachments...)
}

// Resources returns the configured resource as a list for requests, or nil.
func (t *T) Resources() []string {
	if t.Target.Resource == "" {
		return nil
	}
	return []string{t.Target.Resource}
}

// NewAuthRequest is a well-formed authorization request for c: state, PKCE
// S256 when the target supports it (always for public clients), and the
// configured resource.
func (t *T) NewAuthRequest(c *fixture.Client) *fixture.AuthRequest {
	r := &fixture.AuthRequest{Client: c, Resources: t.Resources()}
	if ok, _ := t.Target.Has(vocab.FeaturePKCE); ok || c.Public() {
		p := fixture.NewPKCE()
		r.PKCE = &p
	}
	if len(t.Target.Config.Scopes) > 0 {
		r.Scope = joinScopes(t.Target.Config.Scopes)
	}
	return r
}

func joinScopes(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}
