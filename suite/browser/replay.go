package browser

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// A consent page asks the same question for every new client. Once the
// browser has answered one with the recipe, Auto answers the next ones by
// submitting the same form over HTTP, with the session's cookies and the
// page's own hidden fields (fresh CSRF token, request id), and falls back to
// the browser whenever that does not bring the flow to the redirect URI.
// Checks about the pages themselves (login, inspect, deny) always use the
// browser.

// learnedForm is how the recipe answered a consent page.
type learnedForm struct {
	action string     // where the form was posted (scheme://host/path)
	values url.Values // what was posted
}

// learnConsent extracts the consent submission of an approval the browser
// completed: the form posted from the page the consent steps ran on.
func learnConsent(res *fixture.AuthzResult) *learnedForm {
	if res == nil || res.Callback == nil || res.Callback.Query().Get("code") == "" {
		return nil
	}
	consentPage := ""
	for _, p := range res.Pages {
		if p.Stage == "consent" {
			consentPage = p.URL
		}
	}
	if consentPage == "" {
		return nil
	}
	for i := len(res.Submissions) - 1; i >= 0; i-- {
		s := res.Submissions[i]
		if s.From != consentPage {
			continue
		}
		vals, err := url.ParseQuery(s.Body)
		if err != nil {
			return nil
		}
		action, ok := withoutQuery(s.URL)
		if !ok {
			return nil
		}
		return &learnedForm{action: action, values: vals}
	}
	return nil
}

func withoutQuery(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + u.Host + u.Path, true
}

// pageForm is a form of an HTML page with the values a browser would submit
// without any click (buttons excluded).
type pageForm struct {
	action string // resolved, with query
	method string
	values url.Values
}

// parseForms reads the forms of page, resolving actions against base.
func parseForms(body []byte, base *url.URL) []pageForm {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	var forms []pageForm
	var cur *pageForm
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				action := base.String()
				if a, ok := attr(n, "action"); ok && strings.TrimSpace(a) != "" {
					if u, err := base.Parse(strings.TrimSpace(a)); err == nil {
						action = u.String()
					}
				}
				method, _ := attr(n, "method")
				forms = append(forms, pageForm{action: action, method: strings.ToUpper(method), values: url.Values{}})
				cur = &forms[len(forms)-1]
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				cur = nil
				return
			case "input":
				if cur != nil {
					name, _ := attr(n, "name")
					typ, _ := attr(n, "type")
					val, _ := attr(n, "value")
					_, checked := attr(n, "checked")
					_, disabled := attr(n, "disabled")
					switch strings.ToLower(typ) {
					case "submit", "button", "image", "reset", "file":
					case "checkbox", "radio":
						if name != "" && checked && !disabled {
							if val == "" {
								val = "on"
							}
							cur.values.Add(name, val)
						}
					default:
						if name != "" && !disabled {
							cur.values.Add(name, val)
						}
					}
				}
			case "textarea":
				if cur != nil {
					if name, _ := attr(n, "name"); name != "" {
						var b strings.Builder
						for c := n.FirstChild; c != nil; c = c.NextSibling {
							if c.Type == html.TextNode {
								b.WriteString(c.Data)
							}
						}
						cur.values.Add(name, b.String())
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return forms
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// replayConsent answers the consent page in page by posting the learned
// form over HTTP. ok is false when the page has no such form or the flow
// did not come back to the redirect URI: the caller then uses the browser.
func replayConsent(ctx context.Context, hc *httpx.Client, jar http.CookieJar, page *httpx.Result, learned *learnedForm, redirectURI string) (*fixture.AuthzResult, bool) {
	if page == nil || page.URL == nil || page.Status != http.StatusOK {
		return nil, false
	}
	var form *pageForm
	for _, f := range parseForms(page.Body, page.URL) {
		if a, ok := withoutQuery(f.action); ok && a == learned.action && f.method == http.MethodPost {
			f := f
			form = &f
			break
		}
	}
	if form == nil {
		return nil, false
	}
	// The page's fields (fresh tokens) win; what the recipe's click added
	// (the button's name and value, fields set by scripts) comes from the
	// learned submission.
	body := url.Values{}
	for k, vs := range form.values {
		body[k] = vs
	}
	for k, vs := range learned.values {
		if _, onPage := form.values[k]; !onPage {
			body[k] = vs
		}
	}
	target, err := url.Parse(form.action)
	if err != nil || !hc.Transport().Policy().Trusted(target) {
		return nil, false // another origin: the browser decides, under the same policy
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(body.Encode()))
	if err != nil {
		return nil, false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", page.URL.Scheme+"://"+page.URL.Host)
	req.Header.Set("Referer", page.URL.String())
	for _, c := range jar.Cookies(target) {
		req.AddCookie(c)
	}
	res, err := hc.Do(ctx, req, "submit the consent form as the browser recipe did for an earlier client")
	if err != nil {
		return nil, false
	}
	jar.SetCookies(target, (&http.Response{Header: res.Header}).Cookies())
	if res.Status < 300 || res.Status >= 400 || res.Header.Get("Location") == "" {
		return nil, false
	}
	next, err := target.Parse(res.Header.Get("Location"))
	if err != nil {
		return nil, false
	}
	out, err := fixture.HTTPAuthorizer{Jar: jar}.Authorize(ctx, hc, next.String(), redirectURI, fixture.FlowApprove)
	if err != nil || out.Callback == nil || out.Callback.Query().Get("code") == "" {
		// Not an approval (a different form, a refusal): the browser
		// answers this page instead.
		return nil, false
	}
	out.Interactive = true // a person's consent was given
	out.First = page
	out.Pages = append(out.Pages, fixture.PageVisit{URL: page.URL.String(), Status: page.Status, Method: http.MethodGet, Stage: "consent"})
	return out, true
}
