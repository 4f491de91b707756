package browser

import "github.com/playwright-community/playwright-go"

// HasSession reports whether an earlier flow logged in.
func (b *Browser) HasSession() bool {
	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	return len(b.session) > 0
}

// SessionCookies are the cookies of the person logged in by an earlier flow.
func (b *Browser) SessionCookies() []playwright.Cookie {
	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	return append([]playwright.Cookie(nil), b.session...)
}

func (b *Browser) keepSession(bctx playwright.BrowserContext) {
	// Cookies only: StorageState would also visit every origin for its
	// localStorage, which takes a page load.
	cookies, err := bctx.Cookies()
	if err != nil || len(cookies) == 0 {
		return
	}
	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	if len(b.session) > 0 {
		b.sessionsProven = !rotated(b.session, cookies)
	}
	b.session = cookies
}

// rotated reports whether a cookie present before has another value now.
func rotated(before, after []playwright.Cookie) bool {
	old := make(map[string]string, len(before))
	for _, c := range before {
		old[c.Domain+"\x00"+c.Path+"\x00"+c.Name] = c.Value
	}
	for _, c := range after {
		if v, ok := old[c.Domain+"\x00"+c.Path+"\x00"+c.Name]; ok && v != c.Value {
			return true
		}
	}
	return false
}

// serialiseSessions reports whether flows with the session must take turns:
// until the server is seen to keep its session cookies, it may rotate them
// on every interaction (oidc-provider does, against session fixation), and a
// copy of the cookies in a parallel context would go stale.
func (b *Browser) serialiseSessions() bool {
	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	return !b.sessionsProven
}

func (b *Browser) sessionCookies() []playwright.OptionalCookie {
	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	return playwright.StorageState{Cookies: b.session}.ToOptionalStorageState().Cookies
}
