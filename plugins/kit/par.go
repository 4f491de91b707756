package kit

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authspec/authspec/suite/plugin/abi"
)

// Pushed is an authorization request pushed to the target's PAR endpoint
// (RFC 9126): URL is the authorization URL that replaces it (client_id and
// the request_uri), Request the push, which the host sends again when it
// needs a request_uri of its own (Authorize).
type Pushed struct {
	URL        string
	RequestURI string
	ExpiresIn  float64
	Request    abi.HTTPRequest
}

// MustPush reports whether the authorization requests of c must be pushed:
// the target accepts authorization request data only through PAR (RFC 9126
// §5 require_pushed_authorization_requests), or c registered so (§6).
func (t *T) MustPush(c *Registered) bool {
	if v, _ := t.In.Target.Metadata["require_pushed_authorization_requests"].(bool); v {
		return true
	}
	return c != nil && c.RequirePAR
}

// Push sends params, the parameters of an authorization request, to the
// target's pushed_authorization_request_endpoint with c's authentication
// (as at the token endpoint, RFC 9126 §2.1) and returns what the target
// issued. A push the target does not answer with 201 and a request_uri is
// a StepError of step.
func (t *T) Push(c *Registered, params url.Values, step string) (*Pushed, error) {
	ep := t.Metadata("pushed_authorization_request_endpoint")
	az := t.Metadata("authorization_endpoint")
	if ep == "" || az == "" {
		return nil, &StepError{Step: step, Msg: "the metadata advertises no pushed_authorization_request_endpoint (or no authorization_endpoint)",
			Want: "pushed_authorization_request_endpoint and authorization_endpoint", Got: "none",
			Fix: "advertise the RFC 9126 PAR endpoint, above all when require_pushed_authorization_requests is true"}
	}
	form := url.Values{}
	for k, vs := range params {
		form[k] = append([]string(nil), vs...)
	}
	form.Set("client_id", c.ClientID)
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, vs := range clientAuth(c, form) {
		header[k] = vs
	}
	req := abi.HTTPRequest{Method: http.MethodPost, URL: ep, Header: header, Body: form.Encode(), Note: step + ": push the authorization request (RFC 9126)"}
	res, err := t.Do(req.Method, req.URL, req.Header, req.Body, req.Note)
	if err != nil {
		return nil, err
	}
	var body struct {
		RequestURI string  `json:"request_uri"`
		ExpiresIn  float64 `json:"expires_in"`
	}
	if res.Status != http.StatusCreated || res.JSON(&body) != nil || body.RequestURI == "" {
		return nil, &StepError{Step: step, Msg: "the PAR endpoint did not accept the pushed authorization request",
			Want: "HTTP 201 with a request_uri", Got: fmt.Sprintf("HTTP %d %s", res.Status, Short(res.Body))}
	}
	u, err := url.Parse(az)
	if err != nil {
		return nil, &StepError{Step: step, Msg: "authorization_endpoint is not a URL", Got: az}
	}
	q := u.Query()
	q.Set("client_id", c.ClientID)
	q.Set("request_uri", body.RequestURI)
	u.RawQuery = q.Encode()
	return &Pushed{URL: u.String(), RequestURI: body.RequestURI, ExpiresIn: body.ExpiresIn, Request: req}, nil
}

// AuthorizePushed is Authorize for a pushed request: the host pushes it
// again whenever it opens the authorization endpoint again in the flow (a
// request_uri serves once, RFC 9126 §4).
func (t *T) AuthorizePushed(p *Pushed, redirectURI, flow string) (*url.URL, error) {
	push := p.Request
	return t.authorize(abi.AuthorizeRequest{URL: p.URL, RedirectURI: redirectURI, Flow: flow, Push: &push})
}

// clientAuth adds c's authentication to a direct request (token, PAR):
// HTTP Basic with the credentials form-urlencoded first (RFC 6749 §2.3.1),
// client_secret_post, or client_id alone; it returns the headers to send.
func clientAuth(c *Registered, form url.Values) http.Header {
	switch c.AuthMethod {
	case "client_secret_post":
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.ClientSecret)
	case "none":
		form.Set("client_id", c.ClientID)
	default: // client_secret_basic
		cred := url.QueryEscape(c.ClientID) + ":" + url.QueryEscape(c.ClientSecret)
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(cred))}}
	}
	return nil
}
