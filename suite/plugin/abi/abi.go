// Package abi defines the messages of the authspec plugin ABI, version 1,
// shared by the host (suite/plugin) and plugin kits (plugins/kit). It has no
// dependencies beyond the standard library so that any guest can use it.
//
// A plugin is a WASI preview 1 reactor module. Every message crossing the
// boundary is UTF-8 JSON in the guest's linear memory; docs/plugins.md
// describes the exports, the host functions and the limits.
package abi

// Version is the ABI version this package describes.
const Version = 1

// HostModule is the import module of the host functions. The version is in
// the name, so a plugin built for another ABI fails to link with a clear
// error instead of misbehaving.
const HostModule = "authspec_v1"

// Guest exports.
const (
	ExportAlloc    = "authspec_alloc"    // (size i32) -> ptr i32
	ExportDescribe = "authspec_describe" // () -> i64 (ptr<<32 | len) of Description JSON
	ExportRun      = "authspec_run"      // (ptr, len i32) -> i64 (ptr<<32 | len) of Result JSON
)

// Host functions (imported from HostModule).
const (
	HostHTTP      = "http"      // (ptr, len i32) -> len i32 of the HTTPResponse reply
	HostAuthorize = "authorize" // (ptr, len i32) -> len i32 of the AuthorizeResponse reply
	HostReply     = "reply"     // (dst i32): copies the last reply into guest memory
	HostLog       = "log"       // (ptr, len i32)
	HostNowMS     = "now_ms"    // () -> i64 milliseconds since the Unix epoch
	HostRandom    = "random"    // (ptr, len i32): fills with cryptographic randomness
)

// Check kinds.
const (
	KindClient = "client" // a whole client flow (an IDE plugin, an MCP client, a CLI)
	KindCheck  = "check"  // a requirement check like the built-in ones
)

// Result statuses.
const (
	StatusPass  = "pass"
	StatusFail  = "fail" // FAIL for MUST-level checks, WARN otherwise
	StatusWarn  = "warn" // always WARN (an observation)
	StatusSkip  = "skip"
	StatusError = "error" // the plugin itself could not do its job
)

// Description is what authspec_describe returns.
type Description struct {
	// Name prefixes the IDs of the plugin's checks: lower-case letters,
	// digits and dashes, starting with a letter.
	Name        string      `json:"name"`
	ABI         int         `json:"abi"`
	Version     string      `json:"version,omitempty"`
	Description string      `json:"description,omitempty"`
	Checks      []CheckInfo `json:"checks"`
}

// CheckInfo describes one client flow or check of a plugin.
type CheckInfo struct {
	// ID is unique within the plugin; the run's ID is "<name>-<id>".
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Title is a one-line description of what is verified.
	Title string `json:"title"`
	// Spec and Section name the requirement ("RFC 6749", "4.1"); Level is
	// MUST, MUST NOT, SHOULD, SHOULD NOT or MAY. Quote is optional.
	Spec    string `json:"spec"`
	Section string `json:"section"`
	Level   string `json:"level"`
	Quote   string `json:"quote,omitempty"`
	// Requires lists the features without which the check is SKIP (the
	// feature names of the built-in checks: dcr, pkce, resource, ...).
	// Asking for confidential_client or public_client hands the run's
	// client fixtures to the plugin in Input.Clients.
	Requires []string `json:"requires,omitempty"`
	// Profiles the check also belongs to (it always belongs to "plugins").
	Profiles []string `json:"profiles,omitempty"`
}

// Input is what authspec_run receives.
type Input struct {
	ABI   int    `json:"abi"`
	Check string `json:"check"`
	// Target is what discovery learnt about the server.
	Target Target `json:"target"`
	// Config is the plugin's section of the target config (may be null).
	Config map[string]any `json:"config,omitempty"`
	// Callback is a loopback redirect URI the host listens on for this run;
	// plugins that register clients use it as their redirect_uri.
	Callback string `json:"callback"`
	// Clients are the run's client fixtures the check asked for
	// ("confidential", "public").
	Clients map[string]Client `json:"clients,omitempty"`
}

// Target describes the authorization server and its protected resource.
type Target struct {
	Issuer              string         `json:"issuer"`
	MetadataURL         string         `json:"metadata_url,omitempty"`
	Metadata            map[string]any `json:"metadata,omitempty"`
	Resource            string         `json:"resource,omitempty"`
	ResourceMetadataURL string         `json:"resource_metadata_url,omitempty"`
	ResourceMetadata    map[string]any `json:"resource_metadata,omitempty"`
	Scopes              []string       `json:"scopes,omitempty"`
	// Features present on the target (see CheckInfo.Requires).
	Features []string `json:"features,omitempty"`
}

// Client is a client fixture.
type Client struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	RedirectURI  string `json:"redirect_uri"`
	AuthMethod   string `json:"auth_method"`
	// RequirePAR says the client must push its authorization requests
	// (RFC 9126 §6), as the target's metadata may say of every client
	// (require_pushed_authorization_requests).
	RequirePAR bool `json:"require_pushed_authorization_requests,omitempty"`
}

// Result is what authspec_run returns.
type Result struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	Want    string `json:"want,omitempty"`
	Got     string `json:"got,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

// HTTPRequest asks the host to send one request. The host does not follow
// redirects: the plugin sees every 3xx.
type HTTPRequest struct {
	Method string              `json:"method"`
	URL    string              `json:"url"`
	Header map[string][]string `json:"header,omitempty"`
	Body   string              `json:"body,omitempty"`
	// Note describes the step in the report ("register the client").
	Note string `json:"note,omitempty"`
}

// HTTPResponse is the reply to HTTPRequest. Error is set when no response
// came (refused origin, timeout, connection error); Body is capped by the
// run's body limit (Truncated says so).
type HTTPResponse struct {
	Status    int                 `json:"status,omitempty"`
	Header    map[string][]string `json:"header,omitempty"`
	Body      string              `json:"body,omitempty"`
	Truncated bool                `json:"truncated,omitempty"`
	Error     string              `json:"error,omitempty"`
}

// AuthorizeRequest asks the host to take an authorization URL through the
// target's login and consent pages (with the browser recipe of the target
// config when pages need a person) until the redirect to RedirectURI.
type AuthorizeRequest struct {
	URL         string `json:"url"`
	RedirectURI string `json:"redirect_uri"`
	// Flow is "approve" (default) or "deny".
	Flow string `json:"flow,omitempty"`
	// Push is the pushed authorization request (RFC 9126) that gave the
	// request_uri of URL, when it has one. A request_uri serves once, so
	// the host sends Push again, for a request_uri of its own, whenever it
	// opens the authorization endpoint again in the same flow (over plain
	// HTTP first, then in the browser).
	Push *HTTPRequest `json:"push,omitempty"`
}

// AuthorizeResponse is the reply to AuthorizeRequest: Callback is the full
// redirect URL the client received (code, state, or error parameters).
type AuthorizeResponse struct {
	Callback string `json:"callback,omitempty"`
	// Status is the last HTTP status seen when no redirect came.
	Status      int    `json:"status,omitempty"`
	Interactive bool   `json:"interactive,omitempty"`
	Error       string `json:"error,omitempty"`
}
