package kit

import (
	"github.com/authspec/authspec/suite/plugin/abi"

	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Registered is a client registered through RFC 7591.
type Registered struct {
	ClientID                string
	ClientSecret            string
	AuthMethod              string
	RegistrationAccessToken string
	RegistrationClientURI   string
	Info                    map[string]any
	// RequirePAR says the client must push its authorization requests
	// (RFC 9126 §6): registered so, or configured so.
	RequirePAR bool
}

// StepError is a failure of the target at one step of a client flow.
type StepError struct {
	Step, Msg, Want, Got, Fix string
}

func (e *StepError) Error() string { return e.Step + ": " + e.Msg }

// Outcome turns the error of a flow into its result: a StepError is a FAIL
// naming the step; anything else is an ERROR of the plugin or the transport.
func Outcome(err error) abi.Result {
	if err == nil {
		return Pass()
	}
	if se, ok := err.(*StepError); ok {
		return Fail(se.Step+": "+se.Msg, se.Want, se.Got, se.Fix)
	}
	if sk, ok := err.(*SkipError); ok {
		return Skipf("%s", sk.Reason)
	}
	return Errorf("%v", err)
}

// ChooseAuthMethod picks the token endpoint authentication method a client
// uses: prefer (when given and advertised), else the first of the client's
// preferences the server advertises. An absent list means
// client_secret_basic (RFC 8414 §2).
func (t *T) ChooseAuthMethod(prefer ...string) string {
	adv := t.MetadataList("token_endpoint_auth_methods_supported")
	if len(adv) == 0 {
		adv = []string{"client_secret_basic"}
	}
	for _, m := range prefer {
		if slices.Contains(adv, m) {
			return m
		}
	}
	return adv[0]
}

// Register registers a client at the advertised registration endpoint.
func (t *T) Register(md map[string]any) (*Registered, error) {
	ep := t.Metadata("registration_endpoint")
	if ep == "" {
		return nil, &StepError{Step: "registration", Msg: "the metadata advertises no registration_endpoint",
			Want: "registration_endpoint in the RFC 8414 metadata", Got: "none",
			Fix: "advertise the RFC 7591 registration endpoint so that clients can register themselves"}
	}
	res, err := t.PostJSON(ep, md, "register the client (RFC 7591)")
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusCreated {
		return nil, &StepError{Step: "registration", Msg: "the registration was not accepted",
			Want: "HTTP 201 with the client information", Got: fmt.Sprintf("HTTP %d %s", res.Status, Short(res.Body)),
			Fix: "accept RFC 7591 registrations of native clients with loopback redirect URIs"}
	}
	var info map[string]any
	if err := res.JSON(&info); err != nil {
		return nil, &StepError{Step: "registration", Msg: err.Error(), Want: "a JSON object", Got: Short(res.Body)}
	}
	r := &Registered{Info: info}
	r.ClientID, _ = info["client_id"].(string)
	r.ClientSecret, _ = info["client_secret"].(string)
	r.RegistrationAccessToken, _ = info["registration_access_token"].(string)
	r.RegistrationClientURI, _ = info["registration_client_uri"].(string)
	r.RequirePAR, _ = info["require_pushed_authorization_requests"].(bool)
	r.AuthMethod, _ = info["token_endpoint_auth_method"].(string)
	if r.AuthMethod == "" {
		r.AuthMethod, _ = md["token_endpoint_auth_method"].(string)
	}
	if r.ClientID == "" {
		return nil, &StepError{Step: "registration", Msg: "the response has no client_id", Want: "client_id", Got: Short(res.Body)}
	}
	if r.AuthMethod != "none" && r.ClientSecret == "" {
		return nil, &StepError{Step: "registration", Msg: "a client registered for " + r.AuthMethod + " received no client_secret",
			Want: "client_secret", Got: Short(res.Body), Fix: "issue a client_secret to clients that authenticate with one (RFC 7591 §3.2.1)"}
	}
	return r, nil
}

// Tokens is a successful token response.
type Tokens struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	Scope        string
	ExpiresIn    float64
	Raw          map[string]any
}

// Token sends a token request authenticated as c, the way its auth method says.
func (t *T) Token(c *Registered, form url.Values, step string) (*Tokens, error) {
	ep := t.Metadata("token_endpoint")
	if ep == "" {
		return nil, &StepError{Step: step, Msg: "the metadata advertises no token_endpoint", Want: "token_endpoint", Got: "none"}
	}
	var headers []string
	for k, vs := range clientAuth(c, form) {
		for _, v := range vs {
			headers = append(headers, k, v)
		}
	}
	res, err := t.PostForm(ep, form, step, headers...)
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if res.Status != http.StatusOK {
		_ = res.JSON(&body)
		e, _ := body["error"].(string)
		d, _ := body["error_description"].(string)
		return nil, &StepError{Step: step, Msg: fmt.Sprintf("the token endpoint refused the request (error=%s %s)", e, d),
			Want: "HTTP 200 with tokens", Got: fmt.Sprintf("HTTP %d %s", res.Status, Short(res.Body))}
	}
	if err := res.JSON(&body); err != nil {
		return nil, &StepError{Step: step, Msg: err.Error(), Want: "a JSON token response", Got: Short(res.Body)}
	}
	tk := &Tokens{Raw: body}
	tk.AccessToken, _ = body["access_token"].(string)
	tk.TokenType, _ = body["token_type"].(string)
	tk.RefreshToken, _ = body["refresh_token"].(string)
	tk.Scope, _ = body["scope"].(string)
	tk.ExpiresIn, _ = body["expires_in"].(float64)
	if tk.AccessToken == "" {
		return nil, &StepError{Step: step, Msg: "the token response has no access_token", Want: "access_token", Got: Short(res.Body)}
	}
	if !strings.EqualFold(tk.TokenType, "bearer") {
		return nil, &StepError{Step: step, Msg: "the token response's token_type is not Bearer", Want: `"token_type": "Bearer"`, Got: fmt.Sprintf("%q", tk.TokenType)}
	}
	return tk, nil
}

// AuthorizeCode runs an authorization request for c with PKCE S256 and
// state, pushed first where it must be (MustPush, RFC 9126), verifies the
// callback (error parameters, state, iss when advertised) and returns the
// code and the verifier.
func (t *T) AuthorizeCode(c *Registered, redirectURI, scope string, resources []string) (code, verifier string, err error) {
	ep := t.Metadata("authorization_endpoint")
	if ep == "" {
		return "", "", &StepError{Step: "authorization", Msg: "the metadata advertises no authorization_endpoint", Want: "authorization_endpoint", Got: "none"}
	}
	if !slices.Contains(t.MetadataList("code_challenge_methods_supported"), "S256") {
		return "", "", &StepError{Step: "authorization", Msg: "the metadata does not advertise PKCE S256, so the client refuses to proceed",
			Want: `"code_challenge_methods_supported": ["S256"]`, Got: fmt.Sprint(t.MetadataList("code_challenge_methods_supported")),
			Fix: "support RFC 7636 S256 and advertise it"}
	}
	verifier, challenge := PKCE()
	state := RandomString(16)
	u, err := url.Parse(ep)
	if err != nil {
		return "", "", &StepError{Step: "authorization", Msg: "authorization_endpoint is not a URL", Got: ep}
	}
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.ClientID)
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	q.Set("code_challenge", challenge)
	q.Set("code_challenge_method", "S256")
	if scope != "" {
		q.Set("scope", scope)
	}
	for _, r := range resources {
		q.Add("resource", r)
	}
	u.RawQuery = q.Encode()
	var cb *url.URL
	if t.MustPush(c) {
		var p *Pushed
		if p, err = t.Push(c, q, "authorization"); err != nil {
			return "", "", err
		}
		cb, err = t.AuthorizePushed(p, redirectURI, "approve")
	} else {
		cb, err = t.Authorize(u.String(), redirectURI, "approve")
	}
	if _, skip := err.(*SkipError); skip {
		return "", "", err
	}
	if err != nil {
		return "", "", &StepError{Step: "authorization", Msg: err.Error(), Want: "a redirect to " + redirectURI}
	}
	got := cb.Query()
	if e := got.Get("error"); e != "" {
		return "", "", &StepError{Step: "authorization", Msg: fmt.Sprintf("the server refused the authorization: error=%s error_description=%q", e, got.Get("error_description")),
			Want: "a code", Got: cb.String()}
	}
	if s := got.Get("state"); s != state {
		return "", "", &StepError{Step: "authorization", Msg: "the redirect does not carry the state the client sent, so the client must drop it as a possible CSRF",
			Want: "state=" + state, Got: fmt.Sprintf("state=%q", s), Fix: "return the state parameter unchanged (RFC 6749 §4.1.2)"}
	}
	if iss, ok := t.In.Target.Metadata["authorization_response_iss_parameter_supported"].(bool); ok && iss {
		if got.Get("iss") != t.Metadata("issuer") {
			return "", "", &StepError{Step: "authorization", Msg: "the server advertises the iss parameter but the redirect's iss does not name it (RFC 9207)",
				Want: "iss=" + t.Metadata("issuer"), Got: fmt.Sprintf("iss=%q", got.Get("iss"))}
		}
	}
	code = got.Get("code")
	if code == "" {
		return "", "", &StepError{Step: "authorization", Msg: "the redirect carries no code", Want: "code=…", Got: cb.String()}
	}
	return code, verifier, nil
}
