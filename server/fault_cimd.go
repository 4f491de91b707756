package server

// Faults of Client ID Metadata Documents.
const (
	FaultCIMDBroken              Fault = "cimd-advertised-but-refused"
	FaultCIMDClientIDUnchecked   Fault = "cimd-client-id-unchecked"
	FaultCIMDRedirectUnchecked   Fault = "cimd-redirect-uri-unchecked"
	FaultCIMDFollowsRedirects    Fault = "cimd-follows-redirects"
	FaultCIMDContentTypeIgnored  Fault = "cimd-content-type-unchecked"
	FaultCIMDSecretMethodAllowed Fault = "cimd-secret-auth-method-accepted"
)

var cimdFaults = map[Fault]string{
	FaultCIMDBroken:              "metadata advertises client_id_metadata_document_supported, documents are fetched, but every URL client_id is refused",
	FaultCIMDClientIDUnchecked:   "a client metadata document whose client_id differs from its URL is accepted",
	FaultCIMDRedirectUnchecked:   "with a URL client_id, any redirect_uri is accepted, not only the document's redirect_uris",
	FaultCIMDFollowsRedirects:    "client metadata documents are fetched following HTTP redirects",
	FaultCIMDContentTypeIgnored:  "client metadata documents served with a non-JSON content type are accepted",
	FaultCIMDSecretMethodAllowed: "client metadata documents declaring a client_secret_* token_endpoint_auth_method are accepted",
}
