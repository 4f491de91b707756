package server

// Faults of the security BCP (RFC 9700) and OAuth 2.1.
const (
	FaultBCPImplicitGrant       Fault = "implicit-grant-enabled"
	FaultBCPPasswordGrant       Fault = "password-grant-enabled"
	FaultBCPRedirectPatterns    Fault = "redirect-uri-patterns"
	FaultBCPClientChosenID      Fault = "registration-client-chooses-client-id"
	FaultBCPPostRedirect307     Fault = "post-redirect-307"
	FaultBCPPostRedirect302     Fault = "post-redirect-302"
	FaultBCPNoReferrerPolicy    Fault = "pages-no-referrer-policy"
	FaultBCPThirdPartyResources Fault = "pages-third-party-resources"
	FaultBCPAuthorizeCORS       Fault = "authorize-cors-allowed"
)

var bcpFaults = map[Fault]string{
	FaultBCPImplicitGrant:       "response_type=token is supported: the access token is sent in the redirect's fragment (implicit grant)",
	FaultBCPPasswordGrant:       "the token endpoint issues tokens for grant_type=password (resource owner password credentials)",
	FaultBCPRedirectPatterns:    "a registered redirect URI containing * is matched as a pattern",
	FaultBCPClientChosenID:      "a registration request's client_id becomes the client's identifier",
	FaultBCPPostRedirect307:     "the consent form's redirect to the client is a 307, which repeats the POST and its body",
	FaultBCPPostRedirect302:     "redirects answering the login and consent forms use 302 instead of 303",
	FaultBCPNoReferrerPolicy:    "login, consent and error pages are served without a Referrer-Policy",
	FaultBCPThirdPartyResources: "the login and consent pages load an image from another origin",
	FaultBCPAuthorizeCORS:       "the authorization endpoint answers CORS requests and preflights from any origin (with credentials)",
}
