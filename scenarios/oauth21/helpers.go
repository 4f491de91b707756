package oauth21

import (
	"fmt"

	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
)

// issIsIssuer requires the response that came back to the client (what
// names it in messages) to carry iss equal to issuer: OAuth 2.1 makes iss a
// parameter of every authorization response, success and error (§4.1.2,
// §4.1.2.1).
func issIsIssuer(res *fixture.AuthzResult, issuer, what string) error {
	q := res.Callback.Query()
	if q.Has("iss") && q.Get("iss") == issuer {
		return nil
	}
	shown := "no iss"
	if q.Has("iss") {
		shown = fmt.Sprintf("iss=%q", q.Get("iss"))
	}
	return expect.Fail(res.Last, "iss="+issuer, shown,
		"%s does not carry the issuer identifier, which OAuth 2.1 requires in every authorization response (mix-up defence)", what).
		WithFix("add iss=<issuer, exactly as in the metadata> to every authorization response, success and error, and advertise authorization_response_iss_parameter_supported: true")
}
