package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Secrets are learnt where they travel, so that no check, fixture or plugin
// has to remember to register them: what the suite sends with HTTP Basic
// authentication or as client_secret/password, and every code, token and
// client secret a target hands out, in a JSON body, a form body or a
// redirect.

// learnRequest registers the credentials a request carries.
func (t *Transport) learnRequest(req *http.Request, body []byte) {
	if id, secret, ok := basicCredentials(req.Header.Get("Authorization")); ok {
		t.secrets.addPair(id, secret)
		if uid, err1 := url.QueryUnescape(id); err1 == nil {
			if usec, err2 := url.QueryUnescape(secret); err2 == nil && (uid != id || usec != secret) {
				t.secrets.addPair(uid, usec)
			}
		}
	}
	if len(body) == 0 || !bytes.Contains(body, []byte("=")) {
		return
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return
	}
	for _, p := range []string{"client_secret", "password", "client_assertion"} {
		for _, v := range form[p] {
			t.secrets.learn(v, Credential)
		}
	}
	if secret := form.Get("client_secret"); secret != "" {
		t.secrets.addPair(form.Get("client_id"), secret)
	}
}

// basicCredentials decodes an HTTP Basic Authorization header.
func basicCredentials(h string) (id, secret string, ok bool) {
	scheme, cred, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if err != nil {
		return "", "", false
	}
	id, secret, ok = strings.Cut(string(raw), ":")
	return id, secret, ok
}

// learnResponse registers the codes, tokens and client secrets a response
// hands out.
func (t *Transport) learnResponse(resp *http.Response, body []byte) {
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			t.LearnURL(u)
		}
	}
	if len(body) == 0 {
		return
	}
	if bytes.Contains(body, []byte(`token"`)) || bytes.Contains(body, []byte(`secret"`)) || bytes.Contains(body, []byte(`code"`)) {
		t.learnJSON(body)
		return
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(body)); err == nil {
			t.learnValues(form)
		}
	}
}

// learnJSON registers the values of secret-bearing members of a JSON body,
// well-formed or not, and the client credentials of a registration
// response.
func (t *Transport) learnJSON(body []byte) {
	s := string(body)
	var secret string
	for _, m := range findJSONMembers(s, jsonIssuedKey, maxLearnedPerReply) {
		v := unquoteJSON(m.value)
		c := Credential
		if m.name == "access_token" {
			c = AccessToken
		}
		t.secrets.learn(v, c)
		if m.name == "client_secret" && secret == "" {
			secret = v
		}
	}
	if secret != "" {
		if m := jsonClientID.FindStringSubmatch(s); m != nil {
			t.secrets.addPair(unquoteJSON(m[1]), secret)
		}
	}
}

// jsonIssuedKey matches the names of the JSON members in which a target
// hands out a secret, up to the value's opening quote (findJSONMembers).
var jsonIssuedKey = regexp.MustCompile(`"(access_token|refresh_token|registration_access_token|id_token|client_secret|device_code)"(\s*:\s*)"`)

func unquoteJSON(v string) string {
	var out string
	if err := json.Unmarshal([]byte(`"`+v+`"`), &out); err != nil {
		return v
	}
	return out
}

// LearnURL registers the codes and tokens of an authorization response
// (query or fragment), wherever the suite received it: a redirect, or a
// URL the browser was sent to.
func (t *Transport) LearnURL(u *url.URL) {
	if u.RawQuery != "" {
		t.learnValues(u.Query())
	}
	if u.Fragment != "" {
		if f, err := url.ParseQuery(u.Fragment); err == nil {
			t.learnValues(f)
		}
	}
	// A malformed redirect ("cb?x=1?code=…") hides its parameters from a
	// parser, not from a reader of the report.
	for _, m := range urlIssued.FindAllStringSubmatch(u.String(), maxLearnedPerReply) {
		v, err := url.QueryUnescape(m[2])
		if err != nil {
			v = m[2]
		}
		c := Credential
		if m[1] == "access_token" {
			c = AccessToken
		}
		t.secrets.learn(v, c)
	}
}

// urlIssued matches a parameter of an authorization response that carries
// a secret, wherever it stands in a URL.
var urlIssued = regexp.MustCompile(`[?&#;](code|access_token|refresh_token|id_token)=([^&#;\s]+)`)

func (t *Transport) learnValues(v url.Values) {
	for _, p := range []string{"code", "refresh_token", "id_token", "client_secret", "registration_access_token", "device_code"} {
		for _, x := range v[p] {
			t.secrets.learn(x, Credential)
		}
	}
	for _, x := range v["access_token"] {
		t.secrets.learn(x, AccessToken)
	}
}
