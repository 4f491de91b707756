package httpx

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Policy says where the suite may send what it is trusted with: client
// secrets, initial and registration access tokens, refresh tokens, codes
// and passwords go to the issuer's origin and to the origins the config
// lists under allowed_origins, never over plain http when the issuer is
// https (loopback hosts excepted: such traffic never leaves the machine);
// access tokens may also go to the origins of the protected resources the
// config names (resource, scoped_resource).
type Policy struct {
	issuer  string
	trusted map[string]bool
	bearer  map[string]bool
	https   bool
}

// ConfigKey is the config key that lists further trusted origins.
const ConfigKey = "allowed_origins"

// Origin is the ASCII serialisation of u's origin: scheme://host[:port],
// lower case, without the scheme's default port.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	port := u.Port()
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return scheme + "://" + host
	}
	return scheme + "://" + host + ":" + port
}

// ParseOrigin parses an origin as the config writes it: scheme://host with
// an optional port, and nothing else.
func ParseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("%q must start with https:// (or http://)", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return "", fmt.Errorf("%q must not carry a user name or password", s)
	case u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%q is not an origin: give scheme://host[:port] without a path, e.g. %s", s, Origin(u))
	}
	return Origin(u), nil
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// NewPolicy builds the policy of a run against issuer, with the config's
// allowed_origins and the protected resources it names.
func NewPolicy(issuer string, allowed, resources []string) (*Policy, error) {
	iu, err := url.Parse(issuer)
	if err != nil || iu.Host == "" {
		return nil, fmt.Errorf("issuer %q is not an absolute URL", issuer)
	}
	p := &Policy{issuer: Origin(iu), trusted: map[string]bool{}, bearer: map[string]bool{}, https: strings.EqualFold(iu.Scheme, "https")}
	p.trusted[p.issuer] = true
	var errs []string
	for _, a := range allowed {
		o, err := ParseOrigin(a)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if u, _ := url.Parse(o); p.cleartext(u) {
			errs = append(errs, fmt.Sprintf("%s is plain http while the issuer is https: secrets would cross the network in clear text", o))
			continue
		}
		p.trusted[o] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", ConfigKey, strings.Join(errs, "; "))
	}
	for _, r := range resources {
		if u, err := url.Parse(r); err == nil && u.Host != "" && !p.cleartext(u) {
			p.bearer[Origin(u)] = true
		}
	}
	return p, nil
}

// cleartext reports whether u would carry secrets in clear text over the
// network under an https issuer.
func (p *Policy) cleartext(u *url.URL) bool {
	return p.https && !strings.EqualFold(u.Scheme, "https") && !IsLoopback(u.Hostname())
}

// Trusted reports whether every secret may be sent to u.
func (p *Policy) Trusted(u *url.URL) bool {
	return p == nil || (p.trusted[Origin(u)] && !p.cleartext(u))
}

// Allows reports whether a secret of class c may be sent to u.
func (p *Policy) Allows(u *url.URL, c Class) bool {
	if p.Trusted(u) {
		return true
	}
	return c == AccessToken && p.bearer[Origin(u)] && !p.cleartext(u)
}

// Issuer is the issuer's origin.
func (p *Policy) Issuer() string { return p.issuer }

// Origins lists the trusted origins, the issuer's first.
func (p *Policy) Origins() []string {
	out := []string{p.issuer}
	var rest []string
	for o := range p.trusted {
		if o != p.issuer {
			rest = append(rest, o)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// ResourceOrigins lists the origins access tokens may also go to.
func (p *Policy) ResourceOrigins() []string {
	var out []string
	for o := range p.bearer {
		if !p.trusted[o] {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}

// Why explains why u is not trusted and what the user can do about it.
func (p *Policy) Why(u *url.URL) string {
	o := Origin(u)
	if p.cleartext(u) {
		return fmt.Sprintf("%s is plain http while the issuer is https: authspec never sends secrets in clear text", o)
	}
	return fmt.Sprintf("%s is neither the issuer's origin (%s) nor listed under %s in the config; if it is yours, add %s: [%s]",
		o, p.issuer, ConfigKey, ConfigKey, o)
}

// RefusedError reports a request the suite did not send because it would
// have carried a secret to an origin the policy does not allow, or a
// redirect it did not follow.
type RefusedError struct {
	URL    string // redacted, without query
	Reason string
}

func (e *RefusedError) Error() string { return "not sent to " + e.URL + ": " + e.Reason }

// IsRefused reports whether err is (or wraps) a RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// SetPolicy makes the transport refuse requests that would carry a secret
// where p does not allow it. Without a policy, nothing is refused.
func (t *Transport) SetPolicy(p *Policy) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.policy = p
}

// Policy is the transport's origin policy (nil: none).
func (t *Transport) Policy() *Policy {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.policy
}

// ShowURL is u as the suite shows a URL it refused: redacted, without its
// query and fragment, which may carry what was refused.
func (t *Transport) ShowURL(u *url.URL) string {
	cp := *u
	cp.RawQuery, cp.ForceQuery, cp.Fragment, cp.RawFragment, cp.User = "", false, "", "", nil
	return t.Redact(cp.String())
}

// check refuses a request that carries a secret to an origin the policy
// does not allow for it: an Authorization header, or any registered secret
// (in any form) in its URL, headers or body.
func (t *Transport) check(req *http.Request, body []byte) error {
	p := t.Policy()
	if p == nil || p.Trusted(req.URL) {
		return nil
	}
	c, what := t.carried(req, body)
	if c == 0 || p.Allows(req.URL, c) {
		return nil
	}
	return &RefusedError{URL: t.ShowURL(req.URL), Reason: "it would carry " + what + ", and " + p.Why(req.URL)}
}

// tokenScheme reports whether an Authorization header presents an access
// token: the Bearer scheme (RFC 6750) or the DPoP scheme (RFC 9449 §7.1).
func tokenScheme(v string) bool {
	l := strings.ToLower(v)
	return strings.HasPrefix(l, "bearer ") || strings.HasPrefix(l, "dpop ")
}

// carried returns the most restricted class of secret a request carries,
// and says where.
func (t *Transport) carried(req *http.Request, body []byte) (Class, string) {
	var c Class
	var what string
	note := func(fc Class, where string) {
		if fc > c {
			c, what = fc, where
		}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				fc := t.secrets.classIn(v)
				switch {
				case !tokenScheme(v):
					fc = Credential // Basic and other schemes carry client credentials
				case fc == 0:
					fc = AccessToken // a token the suite made up (an invalid one)
				}
				note(fc, "credentials in its "+http.CanonicalHeaderKey(k)+" header")
			default:
				note(t.secrets.classIn(v), "a secret in its "+http.CanonicalHeaderKey(k)+" header")
			}
		}
	}
	note(t.secrets.classIn(req.URL.String()), "a secret in its URL")
	if len(body) > 0 {
		note(t.secrets.classIn(string(body)), "a secret in its body")
		if form, err := url.ParseQuery(string(body)); err == nil {
			for _, name := range []string{"client_secret", "password", "client_assertion", "refresh_token", "registration_access_token", "code_verifier"} {
				if form.Get(name) != "" {
					note(Credential, name+" in its body")
				}
			}
		}
	}
	return c, what
}
