package reports

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/internal/testutil"
)

// TestHTML_RendersInChromium opens the report in a real headless Chromium:
// it must render (a non-blank screenshot), log no console error and no CSP
// violation, and its filters and matrix links must work.
func TestHTML_RendersInChromium(t *testing.T) {
	opts := testutil.Chromium(t)
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, sampleReport(t)))
	path := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))

	pw, err := playwright.Run(&playwright.RunOptions{DriverDirectory: opts.DriverDir, SkipInstallBrowsers: true})
	require.NoError(t, err)
	defer func() { _ = pw.Stop() }()
	b, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{ExecutablePath: playwright.String(opts.Executable), Headless: playwright.Bool(true), Args: []string{"--no-sandbox", "--disable-gpu"}})
	require.NoError(t, err)
	defer func() { _ = b.Close() }()
	page, err := b.NewPage()
	require.NoError(t, err)
	var mu sync.Mutex
	var problems []string
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" || m.Type() == "warning" {
			mu.Lock()
			problems = append(problems, m.Type()+": "+m.Text())
			mu.Unlock()
		}
	})
	page.OnPageError(func(err error) {
		mu.Lock()
		problems = append(problems, "page error: "+err.Error())
		mu.Unlock()
	})
	var external []string
	page.OnRequest(func(r playwright.Request) {
		if !strings.HasPrefix(r.URL(), "file://") && !strings.HasPrefix(r.URL(), "data:") {
			mu.Lock()
			external = append(external, r.URL())
			mu.Unlock()
		}
	})
	_, err = page.Goto("file://" + path)
	require.NoError(t, err)
	require.NoError(t, page.WaitForLoadState())

	shot, err := page.Screenshot(playwright.PageScreenshotOptions{FullPage: playwright.Bool(true)})
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	assert.Greater(t, img.Bounds().Dy(), 400, "the page has content")
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>12<<8|g>>12<<4|b>>12] = true
		}
	}
	assert.Greater(t, len(colours), 4, "the screenshot is not blank")

	count := func(sel string) int {
		n, err := page.Locator(sel).Count()
		require.NoError(t, err)
		return n
	}
	visible := func() string {
		s, err := page.Locator("#shown").TextContent()
		require.NoError(t, err)
		return s
	}
	assert.Equal(t, 3, count("svg.bar"), "a compliance bar per spec")
	assert.Equal(t, "7", visible())
	require.NoError(t, page.Locator(`input[name=status][value=PASS]`).Uncheck())
	assert.Equal(t, "6", visible(), "the status filter hides PASS")
	_, err = page.Locator("#level").SelectOption(playwright.SelectOptionValues{Values: &[]string{"SHOULD"}})
	require.NoError(t, err)
	assert.Equal(t, "1", visible(), "the level filter")
	_, err = page.Locator("#level").SelectOption(playwright.SelectOptionValues{Values: &[]string{""}})
	require.NoError(t, err)
	_, err = page.Locator("#spec").SelectOption(playwright.SelectOptionValues{Values: &[]string{"RFC 7591"}})
	require.NoError(t, err)
	assert.Equal(t, "3", visible(), "the spec filter")

	// A matrix link opens the result it names.
	require.NoError(t, page.Locator("#matrix > summary").Click())
	require.NoError(t, page.Locator(`#matrix a.cell[href="#r-rfc6749-5.2-invalid-client-401"]`).Click())
	waitOpenInView(t, page, "r-rfc6749-5.2-invalid-client-401")

	// The page opens on the problems: the summary lists the FAIL, ERROR
	// and WARN results, worst first, and so does the list of rows.
	ids := func(sel, attr string) []string {
		var out []string
		all, err := page.Locator(sel).All()
		require.NoError(t, err)
		for _, l := range all {
			v, err := l.GetAttribute(attr)
			require.NoError(t, err)
			out = append(out, v)
		}
		return out
	}
	worst := []string{"#r-rfc6749-5.2-invalid-client-401", "#r-rfc7591-3.2.2-error-json", "#r-mcp-2.3-protected-resource", "#r-rfc6749-10.12-state-csrf"}
	assert.Equal(t, worst, ids("#problems a.problem", "href"), "FAIL, ERROR, WARN, each linked")
	rows := ids("details.result", "id")
	require.GreaterOrEqual(t, len(rows), 4)
	for i, p := range worst {
		assert.Equal(t, p[1:], rows[i], "row %d is a problem", i)
	}
	// What the run could not see, grouped by what would enable it.
	unseen, err2 := page.Locator("#unseen").TextContent()
	err = err2
	require.NoError(t, err)
	assert.Contains(t, unseen, "2 checks need dynamic client registration (RFC 7591): no registration_endpoint in the metadata")

	// A problem's link in the summary opens its row and scrolls to it, even
	// when the filters hide it.
	require.NoError(t, page.Locator(`input[name=status][value=WARN]`).Uncheck())
	_, err = page.Evaluate("() => window.scrollTo(0, 0)")
	require.NoError(t, err)
	require.NoError(t, page.Locator(`#problems a.problem[href="#r-rfc6749-10.12-state-csrf"]`).Click())
	waitOpenInView(t, page, "r-rfc6749-10.12-state-csrf")

	// A link to a check from elsewhere (#r-<id> in the address) opens it.
	fresh, err := b.NewPage()
	require.NoError(t, err)
	_, err = fresh.Goto("file://" + path + "#r-mcp-2.3-protected-resource")
	require.NoError(t, err)
	waitOpenInView(t, fresh, "r-mcp-2.3-protected-resource")
	require.NoError(t, fresh.Close())

	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, problems, "no console errors (CSP violations included)")
	assert.Empty(t, external, "the report loads nothing from the network")
}

// waitOpenInView waits until the result row id is open and inside the
// viewport (events, not a duration: the page's deadline is only a safety net).
func waitOpenInView(t *testing.T, page playwright.Page, id string) {
	t.Helper()
	_, err := page.WaitForFunction(`id => {
		const el = document.getElementById(id);
		if (!el || !el.open || el.hidden) return false;
		const r = el.getBoundingClientRect();
		return r.top < window.innerHeight && r.bottom > 0;
	}`, id, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(60000)})
	require.NoError(t, err, "%s opens and scrolls into view", id)
}
