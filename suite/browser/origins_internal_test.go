package browser

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// TestRunStep_TypesOnlyIntoTrustedPages: a recipe's value (a password) is
// typed only into a page whose origin the policy trusts, wherever the
// browser got to; a page elsewhere stops the recipe with the reason and
// never receives the value.
func TestRunStep_TypesOnlyIntoTrustedPages(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	var posted atomic.Value
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			posted.Store(string(b))
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<!doctype html><form method=post action=/login><input id=password name=password type=password><button id=go>go</button></form>`)
	}))
	defer foreign.Close()
	b, err := Launch(Options{StepTimeout: 2 * time.Minute, Engine: SharedTestEngine(t)})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	bctx, err := b.browser.NewContext()
	require.NoError(t, err)
	defer func() { _ = bctx.Close() }()
	page, err := bctx.NewPage()
	require.NoError(t, err)
	_, err = page.Goto(foreign.URL + "/login")
	require.NoError(t, err)

	trusted, err := httpx.NewPolicy("http://127.0.0.1:1", nil, nil)
	require.NoError(t, err)
	steps := []target.Step{{Fill: "#password", Value: "hunter2-secret"}, {Click: "#go"}}
	err = play(t.Context(), page, steps, func() bool { return false }, trusted)
	require.Error(t, err)
	assert.True(t, httpx.IsRefused(err), "%v", err)
	assert.Contains(t, err.Error(), "allowed_origins: ["+foreign.URL+"]")
	v, err := page.Locator("#password").InputValue()
	require.NoError(t, err)
	assert.Empty(t, v, "nothing was typed")
	assert.Zero(t, posts.Load(), "nothing was submitted")

	allowed, err := httpx.NewPolicy("http://127.0.0.1:1", []string{foreign.URL}, nil)
	require.NoError(t, err)
	require.NoError(t, play(t.Context(), page, steps, func() bool { return false }, allowed))
	require.Eventually(t, func() bool { return posts.Load() == 1 }, 2*time.Minute, 20*time.Millisecond)
	assert.True(t, strings.Contains(posted.Load().(string), "hunter2-secret"), "listed under allowed_origins, the page gets it")
}

// TestAuthorize_FormToAnotherOrigin: a trusted login page whose form posts
// to another origin does not take the typed password there: the browser
// does not navigate to an origin the policy does not trust.
func TestAuthorize_FormToAnotherOrigin(t *testing.T) {
	t.Parallel()
	var foreignHits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreignHits.Add(1) }))
	defer foreign.Close()
	issuer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<!doctype html><form method=post action="`+foreign.URL+`/steal"><input id=password name=password type=password><button id=go>go</button></form>`)
	}))
	defer issuer.Close()
	b, err := Launch(Options{StepTimeout: 2 * time.Minute, Engine: SharedTestEngine(t),
		Recipe: target.BrowserConfig{Login: []target.Step{{Fill: "#password", Value: "hunter2-secret"}, {Click: "#go"}}}})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	tr := httpx.NewTransport(time.Minute, 0)
	p, err := httpx.NewPolicy(issuer.URL, nil, nil)
	require.NoError(t, err)
	tr.SetPolicy(p)
	_, err = b.Authorize(t.Context(), tr.NewClient(), issuer.URL+"/authorize", "http://127.0.0.1:8976/callback", "approve")
	require.Error(t, err)
	assert.True(t, httpx.IsRefused(err), "%v", err)
	assert.Contains(t, err.Error(), "allowed_origins: ["+foreign.URL+"]")
	assert.Zero(t, foreignHits.Load(), "the form was not submitted to the other origin")
}

// TestLaunch_Sandbox: Chromium keeps its sandbox unless it cannot have one
// (root), and then the run is told once.
func TestLaunch_Sandbox(t *testing.T) {
	t.Parallel()
	var notices []string
	b, err := Launch(Options{OnNotice: func(s string) { notices = append(notices, s) }})
	if errors.Is(err, ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skipf("%v", err)
	}
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	t.Logf("euid %d, sandboxed %v, notices %q", os.Geteuid(), b.Sandboxed(), notices)
	if os.Geteuid() == 0 {
		assert.False(t, b.Sandboxed())
		require.Len(t, notices, 1)
		assert.Contains(t, notices[0], "runs as root")
		return
	}
	assert.Equal(t, !b.Sandboxed(), len(notices) == 1, "a run without the sandbox is told so, once")
}
