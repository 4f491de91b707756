package rfc9449

import (
	"context"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/dpop"
)

func algorithmChecks() []*suite.Check {
	return []*suite.Check{{
		ID: "rfc9449-11.6-symmetric-alg-refused", Spec: suite.RFC9449, Section: "11.6", Level: suite.Must,
		Requires: atToken, Profiles: profiles,
		Title: "The token endpoint refuses a DPoP proof signed HS256 with the symmetric key of its jwk",
		Quote: "Implementers MUST ensure that only asymmetric digital signature algorithms (such as ES256) that are deemed secure can be used for signing DPoP proofs.",
		Run: func(ctx context.Context, t *suite.T) error {
			return refusedAtToken(ctx, t, `signed HS256, its jwk the symmetric ("oct") key`, "accept only the asymmetric algorithms of dpop_signing_alg_values_supported, never an HMAC",
				func(_ *holder, p *dpop.Proof) { p.Symmetric = true })
		},
	}, {
		ID: "rfc9449-11.6-alg-none-refused", Spec: suite.RFC9449, Section: "11.6", Level: suite.MustNot,
		Requires: atToken, Profiles: profiles,
		Title: "The token endpoint refuses an unsigned DPoP proof (alg none)",
		Quote: "In particular, the algorithm none MUST NOT be allowed.",
		Run: func(ctx context.Context, t *suite.T) error {
			return refusedAtToken(ctx, t, `with alg "none" and no signature`, "accept only the asymmetric algorithms of dpop_signing_alg_values_supported, never none",
				func(_ *holder, p *dpop.Proof) { p.AlgNone = true })
		},
	}}
}
