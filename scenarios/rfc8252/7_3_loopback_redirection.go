package rfc8252

import (
	"context"
	"fmt"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/vocab"
)

// loopbackChecks returns the checks of RFC 8252 §7.3, Loopback Interface
// Redirection.
func loopbackChecks() []*suite.Check {
	return []*suite.Check{loopbackAnyPort}
}

var loopbackAnyPort = &suite.Check{
	ID: "rfc8252-7.3-loopback-any-port", Spec: suite.RFC8252, Section: "7.3", Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileCore},
	Title: "A native app's loopback redirect URI is accepted with any port",
	Quote: "The authorization server MUST allow any port to be specified at the time of the request for loopback IP redirect URIs, to accommodate clients that obtain an available ephemeral port from the operating system at the time of the request.",
	Run:   runLoopbackAnyPort,
}

func runLoopbackAnyPort(ctx context.Context, t *suite.T) error {
	// RFC 8252 is about native apps, which are public clients
	// (§8.4): a web client's redirect URI may be matched exactly.
	c, other, res, err := authorizeAtOtherPort(ctx, t, nil)
	if err != nil {
		return err
	}
	if res.Param("code") != "" {
		if res.Callback != nil && res.Callback.Port() != other.Port() {
			return expect.Fail(res.LastResponse(), "a code delivered to "+other.String(), "a code delivered to "+res.Callback.Redacted(),
				"the code went to another port than the one the request named: a native app listening on its ephemeral port never gets it").
				WithFix("redirect to the loopback redirect URI of the request, with its port")
		}
		return nil
	}
	if res.Callback == nil && res.Interactive {
		return needsPerson()
	}
	// Refused (an error redirect or an error page): the port is to blame
	// only if the same request with the registered port gets a code.
	g, cerr := t.CodeFor(ctx, c, nil)
	if cerr != nil {
		return suite.SkipErr("the same request with the registered port gets no code either (%v), so the refusal says nothing about the port", cerr)
	}
	got := "no code"
	if e := res.Param("error"); e != "" {
		got = "a redirect with error=" + e
	} else if last := res.LastResponse(); last != nil {
		// An error page, or the refused push.
		got = fmt.Sprintf("HTTP %d%s", last.Status, expect.BodyHint(last))
	}
	which := "the registered native app"
	if !c.Registered {
		which = "the configured public client (taken for a native app: its redirect URI is a loopback IP URI)"
	}
	f := expect.Fail(res.LastResponse(), "a code delivered to "+other.String(), got,
		"%s was refused when its loopback redirect URI named another port, and got a code with the registered port: native apps that listen on an ephemeral port cannot log in", which).
		WithFix("for http://127.0.0.1 and http://[::1] redirect URIs, ignore the port when matching")
	if ok := g.Authz.LastResponse(); ok != nil {
		f = f.WithEvidence(ok.Exchange)
	}
	return f
}
