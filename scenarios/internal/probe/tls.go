package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"time"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
)

// TLS alerts (RFC 8446 §6) that say no cipher suite was in common rather
// than that the version is not supported (protocol_version, 70).
const (
	alertHandshakeFailure     tls.AlertError = 40
	alertInsufficientSecurity tls.AlertError = 71
)

// noSuiteInCommon reports whether a refused handshake ended with an alert
// that says the suites, not the version, did not match.
func noSuiteInCommon(err error) bool {
	a, ok := remoteAlert(err)
	return ok && (a == alertHandshakeFailure || a == alertInsufficientSecurity)
}

// remoteAlert is the TLS alert the server sent, when err is one: crypto/tls
// reports it as a net.OpError "remote error" around its own alert type (a
// uint8), or as a tls.AlertError.
func remoteAlert(err error) (tls.AlertError, bool) {
	var a tls.AlertError
	if errors.As(err, &a) {
		return a, true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" && op.Err != nil {
		if v := reflect.ValueOf(op.Err); v.Kind() == reflect.Uint8 {
			return tls.AlertError(v.Uint()), true
		}
	}
	return 0, false
}

// handshake is what one TLS handshake with an endpoint showed.
type handshake struct {
	// exchange records the handshake as evidence, its outcome in the note;
	// no HTTP request is sent on the connection.
	exchange httpx.Exchange
	state    tls.ConnectionState
	err      error // the handshake's error: the server refused it
}

// JudgeTLS12 judges that the https endpoint named member (a metadata member
// or response field) completes a TLS handshake limited to TLS 1.2, the
// version RFC 7591 §5, RFC 7592 §5 and RFC 7662 §4 require servers to
// support. A handshake as the run's requests make it comes first, the
// control: an endpoint that completes none (not TLS, a certificate the run
// does not trust) says nothing of TLS 1.2 and ends the check in ERROR.
// Nothing is sent on either connection. An http endpoint is SKIP: the
// https checks judge its scheme.
func JudgeTLS12(ctx context.Context, t *suite.T, member, endpoint, fix string) error {
	u, err := url.Parse(endpoint)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return suite.SkipErr("the %s %q is not an absolute URL", member, endpoint)
	}
	if u.Scheme != "https" {
		return suite.SkipErr("the %s %s is not an https URL: which TLS versions it supports is judged only of an https endpoint "+
			"(the https checks judge its scheme); run against a deployment served over https (docs/config.md: a private CA's certificate)", member, endpoint)
	}
	control, err := tlsHandshake(ctx, t, u, t.Transport.TLSConfig(), "TLS handshake as the run's requests make it (the control)")
	if err != nil {
		return err
	}
	if control.err != nil {
		return &httpx.TransportError{Method: "TLS", URL: control.exchange.Request.URL, Origin: httpx.Origin(u),
			Msg: "no TLS handshake completes, so TLS 1.2 cannot be judged: " + control.err.Error(), Err: control.err}
	}
	cfg := t.Transport.TLSConfig()
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
	// Every TLS 1.2 suite, those Go leaves out by default too (RSA key
	// exchange): the question is the version, not the suites. Nothing is
	// sent on this connection.
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, cs := range list {
			cfg.CipherSuites = append(cfg.CipherSuites, cs.ID)
		}
	}
	limited, err := tlsHandshake(ctx, t, u, cfg, "TLS handshake offering TLS 1.2 only")
	if err != nil {
		return err
	}
	if noSuiteInCommon(limited.err) {
		// No suite in common rather than no TLS 1.2: the server may offer
		// TLS 1.2 with suites Go does not implement (DHE, CCM, ARIA,
		// Camellia), which the suite cannot offer.
		return suite.SkipErr("the %s refuses a TLS 1.2 handshake with the alert %q, which a server sends when no cipher suite is in common: "+
			"it may support TLS 1.2 with suites this client does not implement (DHE, CCM, ARIA, Camellia); check its TLS 1.2 suites with a TLS scanner", member, limited.err.Error())
	}
	if limited.err != nil {
		return &suite.Failure{
			Message: fmt.Sprintf("the %s refuses a TLS 1.2 handshake (%v); it completes one only with %s",
				member, limited.err, tls.VersionName(control.state.Version)),
			Want:      "a completed TLS 1.2 handshake",
			Got:       "handshake refused: " + limited.err.Error(),
			Fix:       fix,
			Exchanges: []httpx.Exchange{control.exchange, limited.exchange},
		}
	}
	t.Logf("the %s %s completes a TLS 1.2 handshake (%s); offered every version, it negotiates %s",
		member, endpoint, tls.CipherSuiteName(limited.state.CipherSuite), tls.VersionName(control.state.Version))
	return nil
}

// tlsHandshake opens a TCP connection to u's host and makes a TLS handshake
// with cfg. A connection that cannot be opened is an error (a
// *httpx.TransportError); a handshake the server refuses is in the result.
func tlsHandshake(ctx context.Context, t *suite.T, u *url.URL, cfg *tls.Config, note string) (handshake, error) {
	port := u.Port()
	if port == "" {
		port = "443"
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	where := "https://" + addr
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, t.Transport.Timeout())
	defer cancel()
	start := time.Now()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return handshake{}, &httpx.TransportError{Method: "TLS", URL: where, Origin: httpx.Origin(u),
			Msg: "connect: " + err.Error(), Cancelled: parent.Err() != nil, Err: err}
	}
	defer conn.Close()
	cfg.ServerName = u.Hostname()
	tc := tls.Client(conn, cfg)
	err = tc.HandshakeContext(ctx)
	h := handshake{exchange: httpx.Exchange{
		Request:    httpx.Request{Method: "TLS", URL: where},
		Note:       note,
		DurationMS: time.Since(start).Milliseconds(),
	}}
	if err != nil {
		if ctx.Err() != nil {
			return handshake{}, &httpx.TransportError{Method: "TLS", URL: where, Origin: httpx.Origin(u),
				Msg: "the handshake got no answer: " + err.Error(), Cancelled: parent.Err() != nil, Err: err}
		}
		// A refusal is the server's answer (a TLS alert, or a connection
		// closed during the handshake), not a request without one.
		h.err = err
		h.exchange.Note = note + ": refused: " + err.Error()
		return h, nil
	}
	h.state = tc.ConnectionState()
	h.exchange.Note = fmt.Sprintf("%s: completed with %s, %s", note, tls.VersionName(h.state.Version), tls.CipherSuiteName(h.state.CipherSuite))
	_ = tc.Close()
	return h, nil
}
