// Package store defines the persistence contracts of the reference authorization
// server: registered clients, authorization codes, tokens and consents.
//
// Every secret-bearing value (client secrets, registration access tokens,
// authorization codes, access and refresh tokens) is stored only as its SHA-256
// hash; the plain value is handed to its owner once and never kept. Values are
// random with at least 256 bits of entropy, so a fast hash is sufficient and lets
// the server look records up by hash. Comparisons of hashes use constant time
// (see [EqualHash]).
//
// Implementations must be safe for concurrent use. Methods return [ErrNotFound]
// (possibly wrapped) when the record does not exist.
package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound reports that the requested record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrAlreadyUsed reports that a single-use record (an authorization code or a
// rotated refresh token) was consumed before.
var ErrAlreadyUsed = errors.New("store: already used")

// ErrExists reports that a record with the same key exists already.
var ErrExists = errors.New("store: already exists")

// ErrRevoked reports that a token was not saved because its grant was
// revoked (see [Tokens.RevokeGrant]).
var ErrRevoked = errors.New("store: grant revoked")

// RevocationRetention is how long, at least, a store remembers that a grant
// was revoked: tokens of the grant saved within it after RevokeGrant are
// refused. It outlasts any request that could still be issuing tokens of
// the grant when it was revoked (a code redemption or a refresh in flight).
const RevocationRetention = time.Hour

// Hash returns the SHA-256 digest under which a secret value is stored.
func Hash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// EqualHash reports, in constant time, whether secret hashes to want.
func EqualHash(want []byte, secret string) bool {
	if len(want) != sha256.Size {
		// Still spend the hashing time so that absence is not observable.
		_ = Hash(secret)
		return false
	}
	return subtle.ConstantTimeCompare(want, Hash(secret)) == 1
}

// ClientMetadata is the RFC 7591 §2 metadata of a registered client, as the
// server has accepted it (defaults applied).
type ClientMetadata struct {
	RedirectURIs            []string `json:"redirect_uris,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	LogoURI                 string   `json:"logo_uri,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
	Contacts                []string `json:"contacts,omitempty"`
	TOSURI                  string   `json:"tos_uri,omitempty"`
	PolicyURI               string   `json:"policy_uri,omitempty"`
	JWKSURI                 string   `json:"jwks_uri,omitempty"`
	// JWKS is the client's JWK Set of public keys (RFC 7591 §2), for
	// private_key_jwt client authentication.
	JWKS            json.RawMessage `json:"jwks,omitempty"`
	SoftwareID      string          `json:"software_id,omitempty"`
	SoftwareVersion string          `json:"software_version,omitempty"`
	// RequirePushedAuthorizationRequests: the client must push its
	// authorization requests (RFC 9126 §6).
	RequirePushedAuthorizationRequests bool `json:"require_pushed_authorization_requests,omitempty"`
	// RequireSignedRequestObject: the client must send signed Request
	// Objects (RFC 9101 §10.5); kept only under a fault, since the server
	// supports no Request Objects.
	RequireSignedRequestObject bool `json:"require_signed_request_object,omitempty"`
	// DPoPBoundAccessTokens: the client always uses DPoP at the token
	// endpoint (RFC 9449 §5.2).
	DPoPBoundAccessTokens bool `json:"dpop_bound_access_tokens,omitempty"`
}

// Client is a registered OAuth client.
type Client struct {
	ID string
	// SecretHash is the hash of the client secret; nil for public clients.
	SecretHash []byte
	// SecretExpiresAt is when the secret expires; zero means never.
	SecretExpiresAt time.Time
	// RegistrationTokenHash is the hash of the RFC 7592 registration access
	// token; nil for clients that were not registered dynamically.
	RegistrationTokenHash []byte
	IssuedAt              time.Time
	// ExpiresAt is when the store forgets the client, with its codes,
	// tokens and consents; zero means never. A client past it is not found.
	ExpiresAt time.Time
	Metadata  ClientMetadata
}

// Public reports whether the client has no credentials: no secret, and no
// keys it authenticates with (private_key_jwt).
func (c *Client) Public() bool {
	return len(c.SecretHash) == 0 && c.Metadata.TokenEndpointAuthMethod != "private_key_jwt"
}

// Code is an issued authorization code.
type Code struct {
	Hash                []byte
	ClientID            string
	RedirectURI         string // as sent in the authorization request, "" if omitted
	Subject             string
	Scope               string
	Resources           []string
	CodeChallenge       string
	CodeChallengeMethod string
	// GrantID identifies the grant; tokens issued from the code carry it so
	// that a replay of the code can revoke them.
	GrantID   string
	IssuedAt  time.Time
	ExpiresAt time.Time
	// DPoPJKT is the dpop_jkt of the authorization request (RFC 9449
	// §10): the JWK SHA-256 thumbprint of the key whose DPoP proof must
	// come with the code's redemption; "" when none was sent.
	DPoPJKT string
}

// TokenKind tells access tokens from refresh tokens.
type TokenKind string

// Token kinds.
const (
	AccessToken  TokenKind = "access_token"
	RefreshToken TokenKind = "refresh_token"
)

// Token is an issued access or refresh token.
type Token struct {
	Hash      []byte
	Kind      TokenKind
	ClientID  string
	Subject   string // "" for client credentials
	Scope     string
	Resources []string // audiences (RFC 8707)
	GrantID   string   // family: every token descending from one grant
	IssuedAt  time.Time
	ExpiresAt time.Time // zero: does not expire
	Revoked   bool
	// Rotated is set on a refresh token once it has been exchanged for a new one.
	Rotated bool
	// JKT is the JWK SHA-256 thumbprint of the DPoP key the token is bound
	// to (RFC 9449 §6.1 cnf.jkt); "" for a token bound to no key.
	JKT string
}

// Active reports whether the token can be used at now.
func (t *Token) Active(now time.Time) bool {
	return !t.Revoked && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// Consent records that a user approved scopes for a client.
type Consent struct {
	Subject  string
	ClientID string
	Scope    string
	Granted  time.Time
}

// Clients stores registered clients.
//
// A client past its ExpiresAt is gone: GetClient, UpdateClient,
// ExtendClient and DeleteClient report ErrNotFound, CreateClient may reuse
// its ID (what was issued to the expired client is not carried over), and
// the store deletes it with its codes, tokens and consents.
type Clients interface {
	// CreateClient stores a new client; ErrExists if the ID is taken.
	CreateClient(ctx context.Context, c *Client) error
	// GetClient returns the client or ErrNotFound.
	GetClient(ctx context.Context, id string) (*Client, error)
	// UpdateClient replaces a stored client; ErrNotFound if absent.
	UpdateClient(ctx context.Context, c *Client) error
	// DeleteClient removes the client, its codes, consents and tokens;
	// ErrNotFound if absent.
	DeleteClient(ctx context.Context, id string) error
	// ExtendClient moves the client's ExpiresAt to expiresAt if that is
	// later; a client that never expires stays so. ErrNotFound if absent.
	ExtendClient(ctx context.Context, id string, expiresAt time.Time) error
	// EvictClient deletes, of the clients whose ExpiresAt is set and
	// before before, the one that expires first, with its codes, consents
	// and tokens, and returns its ID; ErrNotFound if there is none.
	EvictClient(ctx context.Context, before time.Time) (string, error)
}

// Codes stores authorization codes.
type Codes interface {
	// SaveCode stores a new code.
	SaveCode(ctx context.Context, c *Code) error
	// GetCode returns the code without redeeming it, or ErrNotFound. If it
	// was redeemed it returns the code together with ErrAlreadyUsed.
	GetCode(ctx context.Context, hash []byte) (*Code, error)
	// ConsumeCode atomically marks the code as redeemed and returns it. If it
	// was redeemed before it returns the code together with ErrAlreadyUsed, so
	// that the caller can revoke what was issued from it.
	ConsumeCode(ctx context.Context, hash []byte) (*Code, error)
}

// Tokens stores access and refresh tokens.
type Tokens interface {
	// SaveToken stores a new token. It returns ErrRevoked, storing
	// nothing, when the token's grant was revoked (see RevokeGrant).
	SaveToken(ctx context.Context, t *Token) error
	// GetToken returns the token, revoked or not, or ErrNotFound.
	GetToken(ctx context.Context, hash []byte) (*Token, error)
	// RotateToken atomically marks a refresh token as rotated and returns it.
	// If it was rotated before it returns the token with ErrAlreadyUsed.
	RotateToken(ctx context.Context, hash []byte) (*Token, error)
	// RevokeToken marks one token revoked; ErrNotFound if absent.
	RevokeToken(ctx context.Context, hash []byte) error
	// RevokeGrant revokes every token carrying grantID, and makes SaveToken
	// refuse tokens of the grant for at least RevocationRetention:
	// revocation and issuance of a grant are serialized, so that a token
	// saved concurrently is either revoked or refused, never left active.
	// The empty grant ID names no grant.
	RevokeGrant(ctx context.Context, grantID string) error
}

// Once records single-use keys the server keeps nowhere else, such as the
// IDs of authorization requests that completed.
type Once interface {
	// UseOnce records key until expiresAt. It returns ErrAlreadyUsed if key
	// is recorded and has not expired.
	UseOnce(ctx context.Context, key string, expiresAt time.Time) error
}

// Usage is how many records a store holds, expired ones that are not yet
// deleted included: what its size is bounded by.
type Usage struct {
	Clients int
	Codes   int
	Tokens  int
	// ClientCodes and ClientTokens are those of the client asked about;
	// GrantTokens those of the grant asked about.
	ClientCodes  int
	ClientTokens int
	GrantTokens  int
}

// Usages counts records.
type Usages interface {
	// Usage counts the records of the store, of the client clientID and of
	// the grant grantID ("" counts nothing).
	Usage(ctx context.Context, clientID, grantID string) (Usage, error)
}

// Consents stores user consents.
type Consents interface {
	// SaveConsent stores or replaces the consent of subject for clientID.
	SaveConsent(ctx context.Context, c *Consent) error
	// GetConsent returns the consent or ErrNotFound.
	GetConsent(ctx context.Context, subject, clientID string) (*Consent, error)
}

// Store is everything the server persists.
type Store interface {
	Clients
	Codes
	Tokens
	Consents
	Once
	Usages
	// Close releases the store's resources.
	Close() error
}
