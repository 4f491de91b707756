package browser

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/target"
)

// play runs a recipe on page. A step with a URL glob runs only when the page
// URL matches it; an optional step whose element is absent is passed over.
// done reports that the redirect URI was reached (the recipe stops there).
// Values are typed only into pages the origin policy p trusts.
func play(ctx context.Context, page playwright.Page, steps []target.Step, done func() bool, p *httpx.Policy) error {
	for i, s := range steps {
		if done() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.URL != "" && !urlMatches(s.URL, page.URL()) {
			continue
		}
		if s.Optional && !present(page, s) {
			continue
		}
		if err := runStep(page, s, p); err != nil {
			if httpx.IsRefused(err) {
				return fmt.Errorf("browser step %d (%s): %w", i+1, describe(s), err)
			}
			if done() {
				return nil
			}
			if s.Optional {
				continue
			}
			return fmt.Errorf("browser step %d (%s) on %s: %w", i+1, describe(s), page.URL(), err)
		}
	}
	return nil
}

func urlMatches(glob, raw string) bool {
	if ok, _ := path.Match(glob, raw); ok {
		return true
	}
	// "*" in the middle of a URL glob should cross "/" as people expect.
	return simpleGlob(glob, raw)
}

// simpleGlob matches with "*" spanning any characters.
func simpleGlob(glob, s string) bool {
	parts := strings.Split(glob, "*")
	if len(parts) == 1 {
		return glob == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func describe(s target.Step) string {
	switch {
	case s.Fill != "":
		return "fill " + s.Fill
	case s.Click != "":
		return "click " + s.Click
	case s.Select != "":
		return "select " + s.Select
	case s.Check != "":
		return "check " + s.Check
	case s.WaitFor != "":
		return "wait_for " + s.WaitFor
	case s.Goto != "":
		return "goto " + s.Goto
	case s.ExpectText != "":
		return "expect_text " + s.ExpectText
	}
	return "empty step"
}

func runStep(page playwright.Page, s target.Step, p *httpx.Policy) error {
	switch {
	case s.Fill != "":
		h, err := guarded(page, s.Fill, p)
		if err != nil {
			return err
		}
		defer func() { _ = h.Dispose() }()
		return h.Fill(s.Value)
	case s.Click != "":
		return page.Locator(s.Click).First().Click()
	case s.Select != "":
		h, err := guarded(page, s.Select, p)
		if err != nil {
			return err
		}
		defer func() { _ = h.Dispose() }()
		_, err = h.SelectOption(playwright.SelectOptionValues{Values: &[]string{s.Value}})
		return err
	case s.Check != "":
		return page.Locator(s.Check).First().Check()
	case s.WaitFor != "":
		return page.Locator(s.WaitFor).First().WaitFor()
	case s.Goto != "":
		_, err := page.Goto(s.Goto)
		return err
	case s.ExpectText != "":
		return page.GetByText(s.ExpectText).First().WaitFor()
	}
	return fmt.Errorf("empty step")
}

// guarded returns the element a recipe is about to type a value into, once
// it has checked that the element's document (the page, or a frame in it)
// is on an origin p trusts. The value goes to that very element: if the
// page navigates away in between, the handle is detached and typing fails.
func guarded(page playwright.Page, sel string, p *httpx.Policy) (playwright.ElementHandle, error) {
	h, err := page.Locator(sel).First().ElementHandle()
	if err != nil {
		return nil, err
	}
	if p == nil {
		return h, nil
	}
	v, err := h.Evaluate(`el => el.ownerDocument.location.href`)
	if err != nil {
		_ = h.Dispose()
		return nil, fmt.Errorf("the origin of the page: %w", err)
	}
	href, _ := v.(string)
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !p.Trusted(u) {
		_ = h.Dispose()
		if err != nil || u.Host == "" {
			u = &url.URL{Scheme: "about", Opaque: "blank"}
		}
		return nil, &httpx.RefusedError{URL: (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, Opaque: u.Opaque}).String(),
			Reason: "the recipe would type a value into this page, and " + p.Why(u)}
	}
	return h, nil
}

// optionalWait bounds how long an optional step waits for its element.
const optionalWait = 1500 // ms

// present reports whether the element of an optional step shows up soon.
func present(page playwright.Page, s target.Step) bool {
	sel := ""
	for _, v := range []string{s.Fill, s.Click, s.Check, s.Select, s.WaitFor} {
		if v != "" {
			sel = v
			break
		}
	}
	if sel == "" {
		return true // goto, expect_text: run it and let it fail softly
	}
	err := page.Locator(sel).First().WaitFor(playwright.LocatorWaitForOptions{Timeout: playwright.Float(optionalWait)})
	return err == nil
}
