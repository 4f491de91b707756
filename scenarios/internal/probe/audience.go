package probe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
)

// Aud reads the audience of an access token as the target tells it: the
// aud member of an RFC 7662 introspection response (when the target has an
// introspection endpoint and owner is a confidential client), else the aud
// claim of a JWT access token (RFC 9068). src names where it was read, ""
// when nothing tells (aud is then nil). An absent aud reads as nil with a
// source: the response said nothing about an audience.
func Aud(ctx context.Context, t *suite.T, owner *fixture.Client, token string) (aud []string, src string, err error) {
	if ep := t.Target.Metadata.IntrospectionEndpoint; ep != "" && owner != nil && !owner.Public() {
		res, err := t.PostForm(ctx, ep, owner, url.Values{"token": {token}}, "introspect the access token to read its audience (RFC 7662)")
		if err != nil {
			return nil, "", err
		}
		var m map[string]any
		if res.Status == http.StatusOK && json.Unmarshal(res.Body, &m) == nil && m["active"] == true {
			return audValues(m["aud"]), "introspection", nil
		}
	}
	if claims, ok := jwtClaims(token); ok {
		return audValues(claims["aud"]), "JWT", nil
	}
	return nil, "", nil
}

func audValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// jwtClaims decodes the claims of a JWS compact serialization without
// verifying it: the suite only reads what the token says of itself.
func jwtClaims(token string) (map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m) == nil
}

// NamesResource reports whether aud names the resource identifier r,
// comparing scheme and host without regard to case (RFC 3986 §6.2.2.1).
func NamesResource(aud []string, r string) bool {
	return slices.ContainsFunc(aud, func(a string) bool { return canonical(a) == canonical(r) })
}

func canonical(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return v
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	return u.String()
}

// Audiences are two tokens of the run's confidential client and their
// audiences: one requested for the resource, one requested without the
// resource parameter (RFC 8707 §2.1 leaves that token's audience open: no
// specific resource, or a predefined default one).
type Audiences struct {
	Own         *fixture.TokenSet
	OwnAud      []string
	OwnSrc      string
	None        *fixture.TokenSet // nil when the request without resource was refused
	NoneRefused error
	NoneAud     []string
	NoneSrc     string
}

// TokenAudiences gets the two tokens of Audiences, once per run.
func TokenAudiences(ctx context.Context, t *suite.T) (*Audiences, error) {
	v, err := t.Shared(ctx, "probe.audiences", func(ctx context.Context, t *suite.T) (any, error) {
		a := &Audiences{}
		var err error
		if a.Own, err = t.TokensFor(ctx, nil, nil); err != nil {
			return nil, err
		}
		if a.OwnAud, a.OwnSrc, err = Aud(ctx, t, a.Own.Client, a.Own.AccessToken); err != nil {
			return nil, err
		}
		beside, err := t.GrantBeside(ctx, a.Own.Client)
		if err != nil {
			return nil, err
		}
		a.None, err = t.TokensFor(ctx, beside, func(r *fixture.AuthRequest) { r.Resources = nil })
		switch {
		case err != nil && skipped(err):
			a.None, a.NoneRefused = nil, err
		case err != nil:
			return nil, err
		default:
			if a.NoneAud, a.NoneSrc, err = Aud(ctx, t, a.None.Client, a.None.AccessToken); err != nil {
				return nil, err
			}
		}
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Audiences), nil
}

// ResourceIndicators tells whether the authorization server shows that it
// implements RFC 8707: a token requested for the resource names it in its
// audience while one requested without the resource does not (or such a
// request is refused, RFC 8707 §2.1 "MAY fail requests that omit the
// parameter"). A server without resource indicators ignores the parameter
// (RFC 6749 §3.1 "The authorization server MUST ignore unrecognized request
// parameters"), lawfully; why says what was seen when it is not shown.
func ResourceIndicators(ctx context.Context, t *suite.T) (bool, string, error) {
	a, err := TokenAudiences(ctx, t)
	if err != nil {
		return false, "", err
	}
	r := t.Target.Resource
	switch {
	case a.OwnSrc == "":
		return false, "the audience of the server's tokens cannot be read (no introspection endpoint the run's client may use, and not JWT access tokens)", nil
	case !NamesResource(a.OwnAud, r):
		return false, fmt.Sprintf("a token requested for %s shows the audience %s (%s), which does not name it", r, describeAud(a.OwnAud), a.OwnSrc), nil
	case a.None == nil:
		return true, fmt.Sprintf("a token requested for %s has the audience %s, and a request without resource is refused", r, describeAud(a.OwnAud)), nil
	case a.NoneSrc != "" && !NamesResource(a.NoneAud, r):
		return true, fmt.Sprintf("a token requested for %s has the audience %s, one requested without resource %s", r, describeAud(a.OwnAud), describeAud(a.NoneAud)), nil
	}
	return false, fmt.Sprintf("a token requested without resource has the audience %s too (a predefined default resource, RFC 8707 §2.1), so the parameter's effect cannot be seen", describeAud(a.NoneAud)), nil
}

func describeAud(aud []string) string {
	if len(aud) == 0 {
		return "none"
	}
	return "[" + strings.Join(aud, ", ") + "]"
}

// Foreign is an access token that is provably not for the resource, with
// the resource's answer to it.
type Foreign struct {
	Token string
	// Proof says why the token is not for the resource.
	Proof string
	// NamesResource is set when the token's own audience (introspection or
	// JWT) names the resource although it was requested for another one.
	NamesResource bool
	// Proven is set when the token is shown not to be for the resource:
	// its audience leaves the resource out, or (its audience unread)
	// other_resource accepts it and refuses a token requested for the
	// resource. A token requested for other_resource and not proven may
	// carry the resource's audience too (a server that ignores the
	// resource parameter issues the same audience to both requests).
	Proven bool
	// Baseline is the resource accepting a token requested for it; Answer
	// is its answer to the foreign token.
	Baseline, Answer *httpx.Result
	// Request is the token request that issued the foreign token.
	Request *httpx.Result
}

// ForeignToken gets, once per run, a token that is provably for another
// audience and presents it to the resource: a token requested for
// other_resource when the config names one; otherwise a token requested
// without resource whose audience (introspection or JWT) does not name the
// resource while a token requested for it does. A token requested without
// resource may lawfully carry the resource as a default audience (RFC 8707
// §2.1), so without such proof the checks are SKIP.
func ForeignToken(ctx context.Context, t *suite.T) (*Foreign, error) {
	v, err := t.Shared(ctx, "probe.foreign-token", func(ctx context.Context, t *suite.T) (any, error) {
		return foreignToken(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Foreign), nil
}

func foreignToken(ctx context.Context, t *suite.T) (*Foreign, error) {
	a, err := TokenAudiences(ctx, t)
	if err != nil {
		return nil, err
	}
	r := t.Target.Resource
	f := &Foreign{}
	if f.Baseline, err = Call(ctx, t, r, "Bearer "+a.Own.AccessToken, "call the resource with a token requested for it (baseline)"); err != nil {
		return nil, err
	}
	if !Accepted(f.Baseline) {
		return nil, suite.SkipErr("the resource answered HTTP %d to a token requested for it, so a refusal of another token would prove nothing", f.Baseline.Status)
	}
	if other := t.Target.Config.OtherResource; other != "" {
		beside, err := t.GrantBeside(ctx, a.Own.Client)
		if err != nil {
			return nil, err
		}
		ts, err := t.TokensFor(ctx, beside, func(r *fixture.AuthRequest) { r.Resources = []string{other} })
		if err != nil {
			if skipped(err) {
				return nil, suite.SkipErr("no token for other_resource %s: %v (other_resource must be a resource the server issues tokens for)", other, err)
			}
			return nil, err
		}
		f.Token, f.Request, f.Proof = ts.AccessToken, ts.Result, "requested with resource="+other+" (other_resource)"
		aud, src, err := Aud(ctx, t, ts.Client, ts.AccessToken)
		if err != nil {
			return nil, err
		}
		switch {
		case NamesResource(aud, r):
			f.NamesResource = true
			f.Proof += fmt.Sprintf(", and its %s audience %s names %s too", src, describeAud(aud), r)
		case len(aud) > 0:
			f.Proven = true
			f.Proof += fmt.Sprintf(", its %s audience %s", src, describeAud(aud))
		default:
			if err := boundByUse(ctx, t, other, a.Own.AccessToken, f); err != nil {
				return nil, err
			}
		}
	} else if err := noneIsForeign(a, r, f); err != nil {
		return nil, err
	} else {
		f.Proven = true
	}
	f.Answer, err = Call(ctx, t, r, "Bearer "+f.Token, "call the resource with a token issued for another audience")
	return f, err
}

// boundByUse proves, when the audience of the token requested for other
// cannot be read, that the server's tokens are bound to their resource:
// other accepts its own token and refuses own, requested for the run's
// resource.
func boundByUse(ctx context.Context, t *suite.T, other, own string, f *Foreign) error {
	theirs, err := Call(ctx, t, other, "Bearer "+f.Token, "call other_resource with the token requested for it")
	if err != nil || !Accepted(theirs) {
		return unlessSkipped(err) // nothing served there: no proof
	}
	mine, err := Call(ctx, t, other, "Bearer "+own, "call other_resource with a token requested for the run's resource")
	if err != nil || Accepted(mine) {
		return unlessSkipped(err)
	}
	f.Proven = true
	f.Proof += fmt.Sprintf(", which %s accepts while it refuses a token requested for %s (HTTP %d)", other, t.Target.Resource, mine.Status)
	return nil
}

// unlessSkipped is err, or nil when err only says the probe cannot run.
func unlessSkipped(err error) error {
	if err != nil && skipped(err) {
		return nil
	}
	return err
}

// noneIsForeign takes the token requested without resource as the foreign
// token when its audience provably excludes the resource.
func noneIsForeign(a *Audiences, r string, f *Foreign) error {
	const hint = "; give other_resource: (a second resource the server issues tokens for) to judge with a token requested for it"
	switch {
	case a.None == nil:
		return suite.SkipErr("the server refuses token requests without resource (%v)%s", a.NoneRefused, hint)
	case a.OwnSrc == "" || a.NoneSrc == "":
		return suite.SkipErr("the audience of the tokens cannot be read (no introspection endpoint the run's client may use, and not JWT access tokens)%s", hint)
	case len(a.OwnAud) == 0:
		return suite.SkipErr("even a token requested for the resource shows no audience (%s), so a missing one proves nothing%s", a.OwnSrc, hint)
	case NamesResource(a.NoneAud, r) || slices.ContainsFunc(a.NoneAud, func(v string) bool { return slices.Contains(a.OwnAud, v) }):
		return suite.SkipErr("a token requested without resource has the audience %s, the resource's (RFC 8707 §2.1: a predefined default resource value is lawful)%s",
			describeAud(a.NoneAud), hint)
	}
	f.Token, f.Request = a.None.AccessToken, a.None.Result
	f.Proof = fmt.Sprintf("requested without resource: its %s audience is %s, while a token requested for %s has %s",
		a.NoneSrc, describeAud(a.NoneAud), r, describeAud(a.OwnAud))
	return nil
}
