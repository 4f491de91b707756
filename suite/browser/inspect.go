package browser

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/playwright-community/playwright-go"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/target"
)

// formScript serialises the form of the element it runs on, as the browser
// would submit it with that element as the submitter. A form's controls
// are also its properties by name (a button named "action" hides
// form.action, one named "method" form.method, one named "elements"
// form.elements), so the form is read through the prototype's getters and
// its attributes, never through its own properties. The action is the
// submitter's formaction, else the form's action attribute, resolved
// against the document's base URL; an empty or missing one is the
// document's URL (HTML, form submission).
const formScript = `el => {
  const proto = (o, name) => Object.getOwnPropertyDescriptor(o, name).get;
  const form = el.form instanceof HTMLFormElement ? el.form : el.closest('form');
  if (!form) return null;
  const attr = (node, name) => Element.prototype.getAttribute.call(node, name);
  const has = (node, name) => Element.prototype.hasAttribute.call(node, name);
  const resolve = a => (a === null || a.trim() === '') ? document.URL : new URL(a.trim(), document.baseURI).href;
  let action = resolve(attr(form, 'action'));
  let method = (attr(form, 'method') || 'get').toLowerCase();
  if (el !== form && has(el, 'formaction')) action = resolve(attr(el, 'formaction'));
  if (el !== form && has(el, 'formmethod')) method = (attr(el, 'formmethod') || method).toLowerCase();
  if (method !== 'post' && method !== 'dialog') method = 'get';
  const fields = [];
  for (const e of proto(HTMLFormElement.prototype, 'elements').call(form)) {
    const name = attr(e, 'name');
    if (!name || e.matches(':disabled')) continue;
    const t = (attr(e, 'type') || (e.tagName === 'BUTTON' ? 'submit' : '')).toLowerCase();
    if (e.tagName === 'BUTTON' || t === 'submit' || t === 'button' || t === 'image' || t === 'reset' || t === 'file') continue;
    if ((t === 'checkbox' || t === 'radio') && !e.checked) continue;
    fields.push([name, e.value]);
  }
  const own = attr(el, 'name');
  if (el !== form && own) fields.push([own, el.value || '']);
  return { action: action, method: method.toUpperCase(), fields: fields };
}`

// consentForm finds the form of the consent recipe's click target (the
// approve button) and returns it with the browser's cookies.
func consentForm(page playwright.Page, bctx playwright.BrowserContext, steps []target.Step) (*fixture.ConsentForm, error) {
	var sel string
	for _, s := range steps {
		if s.Click != "" {
			sel = s.Click
		}
	}
	if sel == "" {
		return nil, errors.New("the consent recipe has no click step to find the approve button")
	}
	v, err := page.Locator(sel).First().Evaluate(formScript, nil)
	if err != nil {
		return nil, fmt.Errorf("read the consent form of %s: %w", sel, err)
	}
	if v == nil {
		return nil, fmt.Errorf("the approve button %s is not inside a form", sel)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("consent form: %w", err)
	}
	var f struct {
		Action string     `json:"action"`
		Method string     `json:"method"`
		Fields [][]string `json:"fields"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("consent form: %w", err)
	}
	out := &fixture.ConsentForm{PageURL: page.URL(), Action: f.Action, Method: f.Method}
	for _, kv := range f.Fields {
		if len(kv) == 2 {
			out.Fields = append(out.Fields, [2]string{kv[0], kv[1]})
		}
	}
	if _, err := url.Parse(out.Action); err != nil {
		return nil, fmt.Errorf("consent form action %q: %w", out.Action, err)
	}
	// All cookies, filtered here: Playwright's URL filter drops Secure
	// cookies for http URLs, which Chromium does send to loopback hosts.
	cookies, err := bctx.Cookies()
	if err != nil {
		return nil, fmt.Errorf("browser cookies: %w", err)
	}
	action, _ := url.Parse(out.Action)
	for _, c := range cookies {
		if !cookieFor(c, action) {
			continue
		}
		out.Cookies = append(out.Cookies, c.Name+"="+c.Value)
		// Chromium treats a cookie without SameSite as Lax: not sent on a
		// cross-site POST.
		if c.SameSite != nil && *c.SameSite == *playwright.SameSiteAttributeNone {
			out.CrossSiteCookies = append(out.CrossSiteCookies, c.Name+"="+c.Value)
		}
	}
	return out, nil
}

// cookieFor reports whether a browser sends c with a request to u (domain
// and path; Secure is left to the browser's own judgement of the origin).
func cookieFor(c playwright.Cookie, u *url.URL) bool {
	if u == nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	dom := strings.ToLower(strings.TrimPrefix(c.Domain, "."))
	if host != dom && !strings.HasSuffix(host, "."+dom) {
		return false
	}
	p := c.Path
	if p == "" || p == "/" {
		return true
	}
	return u.Path == p || strings.HasPrefix(u.Path, strings.TrimSuffix(p, "/")+"/")
}
