package suite

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// IssuedKind names a kind of credential the target hands out.
type IssuedKind string

// The kinds Issued collects.
const (
	IssuedCode         IssuedKind = "authorization codes"
	IssuedAccessToken  IssuedKind = "access tokens"
	IssuedRefreshToken IssuedKind = "refresh tokens"
	IssuedClientSecret IssuedKind = "client secrets"
	// IssuedRegistrationToken is the registration access token of RFC
	// 7592 §3.
	IssuedRegistrationToken IssuedKind = "registration access tokens"
)

// maxIssued bounds the values Issued keeps of each kind.
const maxIssued = 64

// Issued collects, as an httpx.Observer, the credentials the target issued
// to any check of the run: the codes the token endpoint accepted, the
// access and refresh tokens it returned, the client secrets registration
// returned, and the registration access tokens. A check that judges them together (RFC 6749 §10.10, their
// entropy) reads them once the others have finished (Check.After) instead
// of running as many flows again. It keeps at most maxIssued distinct
// values of each kind, in memory only.
type Issued struct {
	tokenURL, registrationURL string

	mu     sync.Mutex
	values map[IssuedKind][]string
	seen   map[string]bool
}

// NewIssued collects what the token endpoint at tokenURL and the
// registration endpoint at registrationURL (either may be empty) issue.
func NewIssued(tokenURL, registrationURL string) *Issued {
	return &Issued{tokenURL: endpointKey(tokenURL), registrationURL: endpointKey(registrationURL),
		values: map[IssuedKind][]string{}, seen: map[string]bool{}}
}

// endpointKey is an endpoint URL without its query and fragment.
func endpointKey(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// Observe implements httpx.Observer.
func (i *Issued) Observe(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	if req.Method != http.MethodPost || resp == nil {
		return
	}
	switch endpointKey(req.URL.String()) {
	case "":
		return
	case i.tokenURL:
		if resp.StatusCode != http.StatusOK {
			return
		}
		var body struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(respBody, &body) != nil || body.AccessToken == "" {
			return
		}
		i.add(IssuedAccessToken, body.AccessToken)
		i.add(IssuedRefreshToken, body.RefreshToken)
		if form, err := url.ParseQuery(string(reqBody)); err == nil && form.Get("grant_type") == "authorization_code" {
			// A code the endpoint exchanged for tokens: one it issued.
			i.add(IssuedCode, form.Get("code"))
		}
	case i.registrationURL:
		if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
			return
		}
		var body struct {
			ClientSecret            string `json:"client_secret"`
			RegistrationAccessToken string `json:"registration_access_token"`
		}
		if json.Unmarshal(respBody, &body) == nil {
			i.add(IssuedClientSecret, body.ClientSecret)
			i.add(IssuedRegistrationToken, body.RegistrationAccessToken)
		}
	}
}

func (i *Issued) add(k IssuedKind, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	key := string(k) + "\x00" + v
	if i.seen[key] || len(i.values[k]) >= maxIssued {
		return
	}
	i.seen[key] = true
	i.values[k] = append(i.values[k], v)
}

// Values returns the distinct values of kind k collected so far, in the
// order they were issued.
func (i *Issued) Values(k IssuedKind) []string {
	if i == nil {
		return nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.values[k]...)
}
