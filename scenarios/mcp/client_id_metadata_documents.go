package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authspec/authspec/scenarios/internal/hosted"
	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/expect"
	"github.com/authspec/authspec/suite/fixture"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// cimdChecks returns the checks of the MCP authorization specification
// (2025-11-25), Client ID Metadata Documents.
//
// With a client ID metadata document (2025-11-25 "Client Registration
// Approaches", draft-ietf-oauth-client-id-metadata-document) the client's
// client_id is the URL of a JSON document with its metadata. The suite hosts
// the documents itself, on a loopback listener; a server that fetches only
// https documents from public addresses (as it should in production) cannot
// reach them, and the checks SKIP saying so.
func cimdChecks() []*suite.Check {
	return []*suite.Check{
		cimdURLClientID, cimdClientIDMatchesURL, cimdRedirectURIListed, cimdClientHostShown,
		cimdLogoPrefetched, cimdRedirectsNotFollowed, cimdInvalidJSONRefused,
		cimdRedirectURIsRequired,
	}
}

// cimdFetchChecks returns the checks of the same section about
// advertising, fetching and caching the documents.
func cimdFetchChecks() []*suite.Check {
	return []*suite.Check{
		cimdSupported, cimdAdvertised, cimdFetchFailureAborts, cimdErrorsNotCached,
		cimdSizeLimited, cimdNoClientSecret, cimdURLForm, cimdNoSharedSecret,
	}
}

var cimdURLClientID = &suite.Check{
	ID: "mcp-2025-11-25-cimd-url-client-id", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A server that advertises client_id_metadata_document_supported fetches a URL client_id's document and issues tokens to that client",
	Quote: "The authorization server SHOULD fetch the document indicated by the client_id to retrieve the client registration information.",
	Run:   runCIMDURLClientID,
}

func runCIMDURLClientID(ctx context.Context, t *suite.T) error {
	o, err := cimdControl(ctx, t)
	if err != nil {
		return err
	}
	if o.err != nil {
		if o.res != nil && o.res.Interactive {
			return suite.SkipErr("%v", o.err)
		}
		if !o.fetched {
			return suite.SkipErr("the server never fetched the suite's document, served over http from 127.0.0.1 (%v): "+
				"a production server rightly refuses it; run a test instance that fetches loopback documents (the reference server: --cimd loopback)", o.err)
		}
		return expect.Fail(o.res.LastResponse(), "a code for the client the document describes", o.err.Error(),
			"the server fetched a well-formed client metadata document and still refused the client").
			WithFix("accept clients whose client_id is the URL of a valid metadata document, as advertised")
	}
	tres, err := t.Redeem(ctx, o.ar, o.code, nil)
	if err != nil {
		return err
	}
	if _, err := t.ParseTokens(tres); err != nil {
		return expect.Fail(tres, "tokens for the URL client_id (token_endpoint_auth_method none)", fmt.Sprintf("HTTP %d", tres.Status),
			"the code issued to the document's client cannot be redeemed").
			WithFix("let the client identified by its document URL redeem its code as a public client")
	}
	return nil
}

var cimdClientIDMatchesURL = &suite.Check{
	ID: "mcp-2025-11-25-cimd-client-id-matches-url", Spec: suite.MCP, Section: cimdSection, Level: suite.Must,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document whose client_id is not its own URL is refused",
	Quote: "For Authorization Servers: ... MUST validate that the fetched document's client_id matches the URL exactly",
	Run:   withDocs(runCIMDClientIDMatchesURL),
}

func runCIMDClientIDMatchesURL(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	id := d.host("/clients/impostor.json", redirect, func(md map[string]any) { md["client_id"] = d.base + "/clients/someone-else.json" })
	return refusedDocument(ctx, t, id, redirect, "a document naming another client_id",
		"compare the document's client_id with the URL it was fetched from (simple string comparison) and refuse a mismatch")
}

var cimdRedirectURIListed = &suite.Check{
	ID: "mcp-2025-11-25-cimd-redirect-uri-listed", Spec: suite.MCP, Section: cimdSection, Level: suite.Must,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "With a URL client_id, a redirect_uri that the document does not list is refused and not redirected to",
	Quote: "For Authorization Servers: ... MUST validate redirect URIs presented in an authorization request against those in the metadata document",
	Run:   withDocs(runCIMDRedirectURIListed),
}

func runCIMDRedirectURIListed(ctx context.Context, t *suite.T, d *docServer) error {
	listed := cimdRedirect(t)
	id := d.host("/clients/listed.json", listed, nil)
	other := "http://127.0.0.1:8977/elsewhere"
	if strings.HasPrefix(listed, "http://127.0.0.1:8977") {
		other = "http://127.0.0.1:8978/elsewhere"
	}
	return refusedDocument(ctx, t, id, other, "a redirect URI the document does not list",
		"match redirect_uri exactly against the document's redirect_uris and show an error page on a mismatch")
}

var cimdRedirectsNotFollowed = &suite.Check{
	// The -00 draft MCP 2025-11-25 cites says nothing of redirects;
	// later drafts forbid following them (SSRF, MCP's "SHOULD follow
	// the security considerations").
	ID: "mcp-2025-11-25-cimd-redirects-not-followed", Spec: suite.MCP, Section: cimdSection, Level: suite.ShouldNot,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The server does not follow an HTTP redirect when it fetches a client metadata document",
	Quote: "The authorization server MUST NOT automatically follow HTTP redirects when fetching the Client ID Metadata Document. " +
		"(draft-ietf-oauth-client-id-metadata-document, Client Information Discovery, later than the -00 draft MCP 2025-11-25 cites)",
	Keywordless: "reported as WARN, never FAIL: the MUST NOT is in a later revision of the draft than the -00 that MCP 2025-11-25 cites, which says nothing of redirects, " +
		"so a server that follows the revision MCP cites may follow them; the later revision forbids it because a redirect lets the document's host send the server's fetch anywhere (SSRF)",
	Run: withDocs(runCIMDRedirectsNotFollowed),
}

func runCIMDRedirectsNotFollowed(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	target := d.host("/clients/moved-here.json", redirect, func(md map[string]any) { md["client_id"] = d.base + "/clients/moved.json" })
	d.set("/clients/moved.json", hostedDoc{location: target})
	fix := "fetch client metadata documents without following redirects, and treat a 3xx as an error"
	if err := refusedDocument(ctx, t, d.base+"/clients/moved.json", redirect, "a document reached through a redirect", fix); err != nil {
		return err
	}
	// Refusing the client proves nothing by itself: a server that follows
	// the redirect and then finds the document's client_id wrong refuses
	// too. The document server's log tells whether it was fetched.
	if n := d.fetched("/clients/moved-here.json"); n > 0 {
		return expect.Fail(nil, "no request for the redirect's target", fmt.Sprintf("%d request(s) for %s", n, target),
			"the server followed the HTTP redirect of %s/clients/moved.json to fetch %s", d.base, target).
			WithFix(fix)
	}
	return nil
}

var cimdInvalidJSONRefused = &suite.Check{
	ID: "mcp-2025-11-25-cimd-invalid-json-refused", Spec: suite.MCP, Section: cimdSection, Level: suite.Must,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document that is not valid JSON (an object followed by trailing data) is refused",
	Quote: "For Authorization Servers: ... MUST validate the document structure is valid JSON and contains required fields",
	Run:   withDocs(runCIMDInvalidJSONRefused),
}

// runCIMDInvalidJSONRefused hosts a well-formed document followed by
// trailing data: a parser that reads the first JSON value and stops there
// (a streaming decoder) takes it for valid.
func runCIMDInvalidJSONRefused(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	id := d.host("/clients/trailing.json", redirect, nil)
	d.edit("/clients/trailing.json", func(doc *hostedDoc) { doc.body = append(doc.body, []byte("\n}{\"client_id\": null")...) })
	return refusedDocument(ctx, t, id, redirect, "a document that is not valid JSON (trailing data after the object)",
		"parse the whole document as one JSON object (RFC 8259) and refuse anything else, trailing data included")
}

var cimdRedirectURIsRequired = &suite.Check{
	ID: "mcp-2025-11-25-cimd-redirect-uris-required", Spec: suite.MCP, Section: cimdSection, Level: suite.Must,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document without redirect_uris is refused, whatever redirect_uri the request names",
	Quote: "For Authorization Servers: ... MUST validate the document structure is valid JSON and contains required fields ... " +
		"According to [RFC9700], the authorization server MUST require registration of redirect URIs, and MUST ensure that the redirect URI in a request " +
		"is an exact match of a registered redirect URI. (draft-ietf-oauth-client-id-metadata-document-00 §4.5)",
	Run: withDocs(runCIMDRedirectURIsRequired),
}

func runCIMDRedirectURIsRequired(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	id := d.host("/clients/no-redirects.json", redirect, func(md map[string]any) { delete(md, "redirect_uris") })
	return refusedDocument(ctx, t, id, redirect, "a document without redirect_uris",
		"refuse a client metadata document without redirect_uris: the request's redirect_uri can only be trusted when the document lists it")
}

var cimdSupported = &suite.Check{
	ID: "mcp-2025-11-25-cimd-supported", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: []vocab.Feature{vocab.FeatureMetadata}, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The authorization server supports Client ID Metadata Documents (its metadata advertises client_id_metadata_document_supported)",
	Quote: "MCP clients and authorization servers SHOULD support OAuth Client ID Metadata Documents as specified in OAuth Client ID Metadata Document.",
	Run:   runCIMDSupported,
}

// runCIMDSupported reads the support where MCP clients look for it: the
// metadata (whether the support works is what the other checks of the
// section judge).
func runCIMDSupported(_ context.Context, t *suite.T) error {
	if t.Target.Metadata.ClientIDMetadataDocumentSupported {
		t.Logf("the %s metadata advertises client_id_metadata_document_supported: true", t.Target.MetadataSource)
		return nil
	}
	return expect.Fail(t.Target.MetadataResult, `"client_id_metadata_document_supported": true`,
		"client_id_metadata_document_supported: "+expect.Describe(t.Target.Metadata.Raw["client_id_metadata_document_supported"]),
		"the server does not say it supports Client ID Metadata Documents, the registration MCP 2025-11-25 prefers when client and server have no prior relationship: MCP clients fall back to dynamic registration or to a client_id the user must enter").
		WithFix(`accept https URLs as client_id, fetching the client metadata document they name, and advertise "client_id_metadata_document_supported": true`)
}

var cimdAdvertised = &suite.Check{
	// Without the feature: a server that takes URL client_ids but
	// does not say so is what this check is for.
	ID: "mcp-2025-11-25-cimd-advertised", Spec: suite.MCP, Section: cimdSection, Level: suite.Must,
	Requires: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureAuthCode}, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A server that fetches client metadata documents and issues codes to their clients advertises client_id_metadata_document_supported",
	Quote: "Authorization servers that publish Authorization Server Metadata [RFC8414] MUST include the following property to signal support for client metadata documents " +
		"as described in this specification. (draft-ietf-oauth-client-id-metadata-document-00 §5)",
	Run: runCIMDAdvertised,
}

// runCIMDAdvertised tries a URL client_id at a server whose metadata does
// not advertise client metadata documents: when it fetches the document
// and issues a code, it supports them without saying so.
func runCIMDAdvertised(ctx context.Context, t *suite.T) error {
	if t.Target.Metadata.ClientIDMetadataDocumentSupported {
		t.Logf("the %s metadata advertises client_id_metadata_document_supported: true", t.Target.MetadataSource)
		return nil
	}
	d, err := startDocServer()
	if err != nil {
		return err
	}
	defer d.close()
	redirect := cimdRedirect(t)
	const path = "/clients/unadvertised.json"
	id := d.host(path, redirect, nil)
	code, res, err := t.Code(ctx, cimdRequest(t, id, redirect))
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	if code == "" || d.fetched(path) == 0 {
		return suite.SkipErr("the metadata does not advertise client_id_metadata_document_supported, and the server did not take the suite's document at %s: nothing shows that it supports client metadata documents", id)
	}
	return expect.Fail(t.Target.MetadataResult, `"client_id_metadata_document_supported": true`,
		"client_id_metadata_document_supported: "+expect.Describe(t.Target.Metadata.Raw["client_id_metadata_document_supported"]),
		"the server fetched the client metadata document at %s and issued a code to its client, but its metadata does not say it supports such clients: MCP clients that check it fall back to registration or give up", id).
		WithFix(`advertise "client_id_metadata_document_supported": true in the metadata`).
		WithEvidence(res.Last.Exchange)
}

var cimdFetchFailureAborts = &suite.Check{
	ID: "mcp-2025-11-25-cimd-fetch-failure-aborts", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "An authorization request whose client metadata document cannot be fetched (HTTP 404) is aborted, not redirected",
	Quote: "If fetching the metadata document fails, the authorization server SHOULD abort the authorization request. (draft-ietf-oauth-client-id-metadata-document-00 §4.3)",
	Run:   withDocs(runCIMDFetchFailureAborts),
}

func runCIMDFetchFailureAborts(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	return refusedDocument(ctx, t, d.base+"/clients/missing.json", redirect, "a client whose document could not be fetched (HTTP 404)",
		"abort the authorization request when the client metadata document cannot be fetched, and show the error to the person")
}

var cimdErrorsNotCached = &suite.Check{
	ID: "mcp-2025-11-25-cimd-errors-not-cached", Spec: suite.MCP, Section: cimdSection, Level: suite.MustNot,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document that could not be fetched, or was invalid, is fetched again: neither the error nor the invalid document is cached",
	Quote: "The authorization server MUST NOT cache error responses. The authorization server also MUST NOT cache documents which are invalid or malformed. " +
		"(draft-ietf-oauth-client-id-metadata-document-00 §4.4)",
	Run: withDocs(runCIMDErrorsNotCached),
}

// runCIMDErrorsNotCached makes the server meet an error response (nothing
// hosted yet: 404), then an invalid document (no redirect_uris), and then
// serves a valid document at the same URL: the next request must fetch it.
func runCIMDErrorsNotCached(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	if err := fetchedAgain(ctx, t, d, "/clients/late.json", redirect, "an error response (HTTP 404)", nil); err != nil {
		return err
	}
	return fetchedAgain(ctx, t, d, "/clients/fixed.json", redirect, "an invalid document (no redirect_uris)", func(path string) {
		d.host(path, redirect, func(md map[string]any) { delete(md, "redirect_uris") })
	})
}

// fetchedAgain authorizes the client at path while first (nil: nothing)
// has put what the server must not cache there, then hosts a valid
// document and requires the next authorization to fetch it and succeed.
func fetchedAgain(ctx context.Context, t *suite.T, d *docServer, path, redirect, what string, first func(path string)) error {
	id := d.base + path
	if first != nil {
		first(path)
	}
	az, err := t.Authorize(ctx, cimdRequest(t, id, redirect))
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	if err == nil && az.Callback != nil && az.Callback.Query().Get("code") != "" {
		return suite.SkipErr("the server issued a code although the client's document was %s: what it caches cannot be told", what)
	}
	n := d.fetched(path)
	if n == 0 {
		return suite.SkipErr("the server did not fetch %s, where the suite served %s: nothing was there to cache", id, what)
	}
	d.host(path, redirect, nil)
	code, res, err := t.Code(ctx, cimdRequest(t, id, redirect))
	switch {
	case err == nil && code != "":
		return nil
	case err != nil && !fixture.IsUnavailable(err):
		return err
	case d.fetched(path) > n:
		return suite.SkipErr("the server fetched the document again once it was valid, but still refused the client (%v)", err)
	}
	var last *httpx.Result
	if res != nil {
		last = res.LastResponse()
	}
	if last != nil && last.Status == http.StatusTooManyRequests {
		return suite.SkipErr("the server answered HTTP 429 (rate limited) instead of fetching the document again")
	}
	return expect.Fail(last, "the document fetched again and the client authorized", fmt.Sprintf("no new request for %s, the client still refused", id),
		"the server remembered %s at %s instead of fetching the document again", what, id).
		WithFix("cache only valid client metadata documents fetched with 200, never a failed retrieval or an invalid document")
}

// cimdPadding is the whitespace after the JSON object of the oversized
// document: 4 MiB, far above the draft's recommended 5 kilobytes and any
// limit a server would call one.
const cimdPadding = 4 << 20

var cimdSizeLimited = &suite.Check{
	ID: "mcp-2025-11-25-cimd-size-limited", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document of several megabytes is not accepted: the server limits the size it fetches",
	Quote: "Authorization servers SHOULD limit the response size when fetching the client metadata document, as to avoid denial of service attacks against the authorization server " +
		"by consuming excessive resources (memory, disk, database). (draft-ietf-oauth-client-id-metadata-document-00 §6.6)",
	Run: withDocs(runCIMDSizeLimited),
}

// runCIMDSizeLimited hosts a valid document followed by megabytes of
// whitespace (still valid JSON), streamed without Content-Length.
func runCIMDSizeLimited(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	const path = "/clients/large.json"
	id := d.host(path, redirect, nil)
	d.edit(path, func(doc *hostedDoc) { doc.padding = cimdPadding })
	az, err := t.Authorize(ctx, cimdRequest(t, id, redirect))
	if err != nil && !fixture.IsUnavailable(err) {
		return err
	}
	sent := d.sentBytes(path)
	if err != nil || az.Callback == nil || az.Callback.Query().Get("code") == "" {
		t.Logf("the server refused the client of a document padded with %d bytes (%d bytes of padding written before it closed the connection)", cimdPadding, sent)
		return nil
	}
	if sent < int64(cimdPadding) {
		// The JSON object comes first: a server that stops reading at
		// its limit and parses what it read has limited the size.
		t.Logf("the server issued a code, but took only %d of the %d bytes of padding after the document's JSON object: it stopped reading, a size limit", sent, cimdPadding)
		return nil
	}
	return expect.Fail(az.Last, "the document refused for its size", fmt.Sprintf("a code for the client of a document of more than %d bytes (%d bytes read)", cimdPadding, sent),
		"the server read a client metadata document of several megabytes and accepted it: anyone can make it fetch and hold as much as they like").
		WithFix("stop reading a client metadata document past a small limit (the draft recommends 5 kilobytes) and refuse it")
}

var cimdURLForm = &suite.Check{
	ID: "mcp-2025-11-25-cimd-url-form", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client_id URL without a path, with dot segments, a fragment or a username and password is refused (an observation)",
	Quote: "Client identifier URLs MUST have an \"https\" scheme, MUST contain a path component, MUST NOT contain single-dot or double-dot path segments, " +
		"MUST NOT contain a fragment component and MUST NOT contain a username or password (draft-ietf-oauth-client-id-metadata-document-00 §3)",
	Keywordless: "an observation, reported as WARN and never FAIL: the MUSTs bind the URL the client chooses, and the draft does not say in words that the authorization server " +
		"refuses another; a server that fetches such a URL takes as a client identifier what the draft says is none (the https rule cannot be tried: the suite serves its documents over http on loopback)",
	Run: withDocs(runCIMDURLForm),
}

// runCIMDURLForm hosts a well-formed document behind each client_id URL
// that the draft's §3 rules out; its client_id is that URL.
func runCIMDURLForm(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	u, err := url.Parse(d.base)
	if err != nil {
		return fmt.Errorf("document server URL: %w", err)
	}
	forms := []struct{ what, path, id string }{
		{"a client_id URL without a path", "/", d.base},
		{"a client_id URL with double-dot path segments", "/clients/../clients/dots.json", d.base + "/clients/../clients/dots.json"},
		{"a client_id URL with a fragment", "/clients/fragment.json", d.base + "/clients/fragment.json#client"},
		{"a client_id URL with a username and password", "/clients/userinfo.json", u.Scheme + "://authspec:authspec@" + u.Host + "/clients/userinfo.json"},
	}
	for _, f := range forms {
		id := f.id
		d.host(f.path, redirect, func(md map[string]any) { md["client_id"] = id })
		if err := refusedDocument(ctx, t, id, redirect, f.what,
			"refuse a client_id URL that is not https with a path, without dot segments, fragment, username or password (draft-ietf-oauth-client-id-metadata-document §3)"); err != nil {
			return expect.Observation(err)
		}
		t.Logf("%s (%s): refused", f.what, id)
	}
	return nil
}

var cimdNoClientSecret = &suite.Check{
	ID: "mcp-2025-11-25-cimd-no-client-secret", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document carrying a client_secret is refused (an observation: the secret is public)",
	Quote: "the client_secret and client_secret_expires_at properties MUST NOT be used (draft-ietf-oauth-client-id-metadata-document-00 §4.1)",
	Keywordless: "an observation, reported as WARN and never FAIL: the MUST NOT binds the document the client publishes, and neither the -00 draft MCP cites nor MCP " +
		"obliges the authorization server to refuse such a document; a server that accepts one takes as a credential a secret anyone can read",
	Run: withDocs(runCIMDNoClientSecret),
}

func runCIMDNoClientSecret(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	id := d.host("/clients/published-secret.json", redirect, func(md map[string]any) { md["client_secret"] = "authspec-published-in-the-document" })
	return expect.Observation(refusedDocument(ctx, t, id, redirect, "a document carrying a client_secret",
		"refuse client metadata documents that carry client_secret or client_secret_expires_at: a published secret authenticates no one"))
}

var cimdNoSharedSecret = &suite.Check{
	ID: "mcp-2025-11-25-cimd-no-shared-secret", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: cimdFeatures, Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A client metadata document declaring a client_secret_* authentication method is refused (an observation: no secret can be shared)",
	Quote: "the token_endpoint_auth_method property MUST NOT include client_secret_post, client_secret_basic, client_secret_jwt, or any other method based around a shared symmetric secret",
	Keywordless: "an observation, reported as WARN and never FAIL: the MUST NOT binds the document the client publishes, and neither the -00 draft MCP cites nor MCP " +
		"obliges the authorization server to refuse such a document; a server that accepts one registers a client that can never authenticate",
	Run: withDocs(runCIMDNoSharedSecret),
}

func runCIMDNoSharedSecret(ctx context.Context, t *suite.T, d *docServer) error {
	redirect := cimdRedirect(t)
	id := d.host("/clients/secret.json", redirect, func(md map[string]any) { md["token_endpoint_auth_method"] = "client_secret_basic" })
	return expect.Observation(refusedDocument(ctx, t, id, redirect, "a document declaring client_secret_basic",
		"refuse client metadata documents whose token_endpoint_auth_method relies on a shared secret"))
}

const cimdSection = "Client ID Metadata Documents"

var cimdClientHostShown = &suite.Check{
	ID: "mcp-2025-11-25-cimd-client-host-shown", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: append([]vocab.Feature{vocab.FeatureBrowser}, cimdFeatures...), Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "The consent page for a document's client shows the host of its client_id URL",
	Quote: "The authorization server SHOULD display the hostname of the client_id on the authorization interface, in addition to displaying the fetched client information if any. (draft-ietf-oauth-client-id-metadata-document-00 §6.4)",
	Run:   runCIMDClientHostShown,
}

// runCIMDClientHostShown looks for the client_id's host on the consent page
// of a document's client.
func runCIMDClientHostShown(ctx context.Context, t *suite.T) error {
	cc, err := cimdConsent(ctx, t)
	if err != nil {
		return err
	}
	return judgeHostShown(cc, cc.clientID, "the client_id",
		"show the client_id's host name on the consent page, beside what the document says of the client: it is the one part of the client's identity the document cannot choose")
}

// cimdFeatures are what the checks of client metadata documents need.
var cimdFeatures = []vocab.Feature{vocab.FeatureCIMD, vocab.FeatureAuthCode}

// docServer serves client metadata documents for one check.
type docServer struct {
	srv  *http.Server
	base string
	mu   sync.Mutex
	docs map[string]hostedDoc
	hits map[string]int
	sent map[string]int64 // bytes of padding written, by path
}

type hostedDoc struct {
	contentType string
	body        []byte
	location    string // a redirect instead of the document
	padding     int    // bytes of whitespace streamed after the body
}

func startDocServer() (*docServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for client metadata documents: %w", err)
	}
	d := &docServer{base: "http://" + ln.Addr().String(), docs: map[string]hostedDoc{}, hits: map[string]int{}, sent: map[string]int64{}}
	d.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(d.serve)}
	go func() { _ = d.srv.Serve(ln) }()
	return d, nil
}

func (d *docServer) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	doc, ok := d.docs[r.URL.Path]
	d.hits[r.URL.Path]++
	d.mu.Unlock()
	switch {
	case !ok:
		http.NotFound(w, r)
	case doc.location != "":
		http.Redirect(w, r, doc.location, http.StatusFound)
	default:
		w.Header().Set("Content-Type", doc.contentType)
		_, _ = w.Write(doc.body)
		d.pad(w, r.URL.Path, doc.padding)
	}
}

// pad streams n bytes of whitespace, counting what the reader took.
func (d *docServer) pad(w http.ResponseWriter, path string, n int) {
	chunk := []byte(strings.Repeat(" ", 64<<10))
	for n > 0 {
		k, err := w.Write(chunk[:min(n, len(chunk))])
		d.mu.Lock()
		d.sent[path] += int64(k)
		d.mu.Unlock()
		if err != nil {
			return
		}
		n -= k
	}
}

func (d *docServer) sentBytes(path string) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent[path]
}

func (d *docServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = d.srv.Shutdown(ctx)
}

// host publishes a document at path; edit adjusts the metadata, whose
// client_id is the document's URL by default.
func (d *docServer) host(path, redirectURI string, edit func(map[string]any)) string {
	u := d.base + path
	md := map[string]any{
		"client_id": u, "client_name": "authspec CIMD client", "redirect_uris": []string{redirectURI},
		"grant_types": []string{"authorization_code"}, "response_types": []string{"code"}, "token_endpoint_auth_method": "none",
	}
	if edit != nil {
		edit(md)
	}
	body, _ := json.Marshal(md)
	d.mu.Lock()
	d.docs[path] = hostedDoc{contentType: "application/json", body: body}
	d.mu.Unlock()
	return u
}

func (d *docServer) set(path string, doc hostedDoc) {
	d.mu.Lock()
	d.docs[path] = doc
	d.mu.Unlock()
}

// edit changes the document hosted at path.
func (d *docServer) edit(path string, change func(*hostedDoc)) {
	d.mu.Lock()
	doc := d.docs[path]
	change(&doc)
	d.docs[path] = doc
	d.mu.Unlock()
}

func (d *docServer) fetched(path string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hits[path]
}

// cimdRedirect is a loopback redirect URI for the documents' clients.
func cimdRedirect(t *suite.T) string {
	if r := t.Target.Config.RedirectURI; r != "" {
		return r
	}
	return "http://127.0.0.1:8976/callback"
}

// cimdRequest is an authorization request of the client at clientID.
func cimdRequest(t *suite.T, clientID, redirect string) *fixture.AuthRequest {
	c := &fixture.Client{ID: clientID, RedirectURI: redirect, AuthMethod: "none"}
	return t.NewAuthRequest(c)
}

// cimdOutcome is the authorization of a client with a well-formed document,
// made once per run: the positive check judges it, and the negative checks
// need it as their control (if the server does not accept the suite's
// documents at all, a refusal for the right reason cannot be told from any
// refusal).
type cimdOutcome struct {
	fetched bool
	res     *fixture.AuthzResult
	ar      *fixture.AuthRequest
	code    string
	err     error // from the authorization (ErrUnavailable: refused)
}

func cimdControl(ctx context.Context, t *suite.T) (*cimdOutcome, error) {
	v, err := t.Shared(ctx, "mcp.cimd-control", func(ctx context.Context, t *suite.T) (any, error) {
		d, err := startDocServer()
		if err != nil {
			return nil, err
		}
		defer d.close()
		redirect := cimdRedirect(t)
		id := d.host("/clients/authspec.json", redirect, nil)
		ar := cimdRequest(t, id, redirect)
		code, res, err := t.Code(ctx, ar)
		out := &cimdOutcome{fetched: d.fetched("/clients/authspec.json") > 0, res: res, ar: ar, code: code, err: err}
		if err != nil && !fixture.IsUnavailable(err) {
			return nil, err
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*cimdOutcome), nil
}

// cimdUsable is the control of the negative checks.
func cimdUsable(ctx context.Context, t *suite.T) error {
	o, err := cimdControl(ctx, t)
	if err != nil {
		return err
	}
	if o.err == nil {
		return nil
	}
	if o.res != nil && o.res.Interactive {
		return suite.SkipErr("%v", o.err)
	}
	why := o.err.Error()
	if !o.fetched {
		why += "; the server never fetched the document"
	}
	return suite.SkipErr("the server does not accept the suite's client metadata documents, served over http from 127.0.0.1 (%s); "+
		"a production server rightly fetches only https documents from public addresses: run a test instance that fetches loopback documents "+
		"(the reference server: --cimd loopback) to check its document handling", why)
}

// refusedDocument judges the authorization request of a client whose
// document breaks a rule: no code may be issued, and since the client is
// not identified, nothing may be redirected to its redirect URI.
func refusedDocument(ctx context.Context, t *suite.T, clientID, redirect, what, fix string) error {
	res, err := t.Authorize(ctx, cimdRequest(t, clientID, redirect))
	if err != nil {
		var un *fixture.ErrUnavailable
		if errors.As(err, &un) {
			return nil // refused before reaching the client: right
		}
		return err
	}
	if res.Callback == nil {
		return nil
	}
	q := res.Callback.Query()
	if q.Get("code") != "" {
		return expect.Fail(res.Last, "the authorization refused, shown to the person", "a code for "+what,
			"the server accepted a client metadata document that breaks the rules").
			WithFix(fix)
	}
	return expect.Fail(res.Last, "an error page, no redirect", "a redirect to "+res.Callback.Redacted(),
		"the client is not identified, so its redirect URI cannot be trusted: errors must not be redirected to it (RFC 6749 §4.1.2.1)").
		WithFix(fix)
}

// withDocs runs a negative check with a document server of its own, once
// the control shows that the target uses client metadata documents.
func withDocs(run func(ctx context.Context, t *suite.T, d *docServer) error) func(ctx context.Context, t *suite.T) error {
	return func(ctx context.Context, t *suite.T) error {
		if err := cimdUsable(ctx, t); err != nil {
			return err
		}
		d, err := startDocServer()
		if err != nil {
			return err
		}
		defer d.close()
		return run(ctx, t, d)
	}
}

var cimdLogoPrefetched = &suite.Check{
	ID: "mcp-2025-11-25-cimd-logo-prefetched", Spec: suite.MCP, Section: cimdSection, Level: suite.Should,
	Requires: append([]vocab.Feature{vocab.FeatureBrowser}, cimdFeatures...), Profiles: []vocab.Profile{vocab.ProfileMCP1125},
	Title: "A server that shows a document client's logo fetches it itself instead of having the browser load it from logo_uri",
	Quote: "Authorization servers that wish to make use of the logo_uri property within client metadata document SHOULD prefetch the file at logo_uri and cache it for the cache duration of the client metadata document. (draft-ietf-oauth-client-id-metadata-document-00 §6.7)",
	Run:   withDocs(runCIMDLogoPrefetched),
}

// runCIMDLogoPrefetched opens the consent page of a document whose
// logo_uri the suite serves, and tells who fetched the logo: the server
// (its copy, as §6.7 asks), the browser (the page loads it from the
// client's host), or nobody (the server makes no use of logo_uri, and the
// sentence does not bind it).
func runCIMDLogoPrefetched(ctx context.Context, t *suite.T, d *docServer) error {
	l, err := hosted.ServeLogo()
	if err != nil {
		return err
	}
	defer l.Close()
	logo := l.URL
	redirect := cimdRedirect(t)
	id := d.host("/clients/logo.json", redirect, func(md map[string]any) { md["logo_uri"] = logo })
	ar := cimdRequest(t, id, redirect)
	ar.Extra = url.Values{"prompt": {"consent"}}
	ar.Flow = fixture.FlowInspect
	res, err := t.Authorize(ctx, ar)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(res.Pages, func(p fixture.PageVisit) bool { return p.Stage == "consent" }) {
		return suite.SkipErr("the target showed no consent page for the document's client (even with prompt=consent), so there is no logo to look for")
	}
	browser, server := l.Who()
	switch {
	case browser:
		return &suite.Failure{
			Message: "the consent page has the browser load the client's logo from its logo_uri, on the client's host",
			Want:    "the server fetches the logo itself and serves its copy",
			Got:     "the browser requested " + logo,
			Fix:     "fetch the logo_uri of a client metadata document when fetching the document, cache it as long as the document, and show that copy from the server's own origin",
		}
	case !server:
		return suite.SkipErr("neither the server nor the browser fetched the document's logo_uri: the server makes no use of it, and §6.7 binds servers that do")
	}
	t.Logf("the server fetched the logo at %s; the browser did not", logo)
	return nil
}
