package rfc9449

import (
	"context"
	"encoding/json"
	"errors"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/httpx"
)

func thumbprintChecks() []*suite.Check {
	return []*suite.Check{cnfJKT}
}

var cnfJKT = &suite.Check{
	ID: "rfc9449-6.1-cnf-jkt-thumbprint", Spec: suite.RFC9449, Section: "6.1", Level: suite.Must,
	Requires: atToken, Profiles: profiles,
	Title: "cnf.jkt of a DPoP-bound access token (JWT or introspection) is the base64url SHA-256 thumbprint of the proof's key",
	Quote: "jkt: JWK SHA-256 Thumbprint confirmation method. The value of the jkt member MUST be the base64url encoding ... of the JWK SHA-256 Thumbprint ... of the DPoP public key (in JWK format) to which the access token is bound.",
	Run:   runCnfJKT,
}

// runCnfJKT reads cnf.jkt where the target shows it: the introspection
// response of the token, else the claims of a JWT access token.
func runCnfJKT(ctx context.Context, t *suite.T) error {
	in, err := introspectBound(ctx, t)
	var skip *suite.Skipped
	switch {
	case err == nil:
		if cnf, ok := in.members["cnf"]; ok {
			return judgeJKT(cnf, in.h.key.JKT, in.res, "the introspection response")
		}
		if claims, ok := jwtClaims(in.ts.AccessToken); ok {
			return judgeJKT(claims["cnf"], in.h.key.JKT, in.ts.Result, "the JWT access token")
		}
		return suite.SkipErr("neither the introspection response nor the access token (not a JWT) carries cnf: no jkt to judge")
	case !errors.As(err, &skip):
		return err
	}
	h, ts, err := boundHolder(ctx, t, nil, nil)
	if err != nil {
		return err
	}
	claims, ok := jwtClaims(ts.AccessToken)
	if !ok {
		return suite.SkipErr("the access token is not a JWT and introspection tells nothing (%s): no cnf.jkt to judge", skip.Reason)
	}
	return judgeJKT(claims["cnf"], h.key.JKT, ts.Result, "the JWT access token")
}

// judgeJKT fails a cnf whose jkt is not want; a cnf without jkt is SKIP.
func judgeJKT(cnf any, want string, res *httpx.Result, where string) error {
	m, _ := cnf.(map[string]any)
	jkt, ok := m["jkt"]
	if !ok {
		return suite.SkipErr("%s carries no cnf.jkt (cnf: %s): nothing to judge", where, expect.Describe(cnf))
	}
	if jkt != want {
		return expect.Fail(res, want+" (the base64url SHA-256 thumbprint of the proof's key, RFC 7638)", expect.Describe(jkt),
			"cnf.jkt in %s is not the JWK SHA-256 thumbprint of the DPoP key the token was issued for", where).
			WithFix("give cnf.jkt as the unpadded base64url encoding of the RFC 7638 SHA-256 thumbprint of the proof's jwk")
	}
	return nil
}

// jwtClaims reads the claims of a JWT access token signed with an
// asymmetric algorithm, without verifying it: the suite reads only what
// the token says of itself.
func jwtClaims(token string) (map[string]any, bool) {
	algs := []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}
	jws, err := jose.ParseSignedCompact(token, algs)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	return m, json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &m) == nil && m != nil
}
