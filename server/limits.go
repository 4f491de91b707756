package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/authspec/authspec/server/oautherr"
	"github.com/authspec/authspec/server/store"
)

// Rate is a token bucket: PerSecond requests a second on average, Burst at
// once.
type Rate struct {
	PerSecond float64
	Burst     int
}

// NoRateLimit switches a rate limit off.
var NoRateLimit = Rate{PerSecond: math.Inf(1)}

func (r Rate) off() bool { return math.IsInf(r.PerSecond, 1) }

// Limits bound what anyone who reaches the server can make it do and keep,
// so that its memory (or database) stays bounded whatever the traffic, and
// one source cannot use up what others need. Zero fields take the values of
// DefaultLimits.
//
// The rate limits apply per source address (an IPv4 address, an IPv6 /64),
// as the connection shows it: behind a reverse proxy every request comes
// from the proxy.
type Limits struct {
	// Registration limits registration requests, and fetches of client ID
	// metadata documents, per source.
	Registration Rate
	// Token limits token requests, and codes issued at the authorization
	// endpoint, per source.
	Token Rate
	// MaxSources bounds the sources whose rate the server tracks at once.
	MaxSources int

	// MaxClients bounds the clients of the store, static ones included.
	// At the bound, a registration evicts the dynamically registered (or
	// metadata document) client that expires first among those that were
	// never used; when there is none, it is refused (503).
	MaxClients int
	// MaxClientMetadataBytes bounds a client's metadata, as JSON.
	MaxClientMetadataBytes int
	// UnusedClientTTL is how long a dynamically registered client lives
	// before it first obtains a token; IdleClientTTL how long a client that
	// did lives after it last obtained one. Static clients live forever.
	UnusedClientTTL, IdleClientTTL time.Duration

	// MaxCodes and MaxTokens bound the codes and tokens of the store (used
	// codes and expired tokens are kept a while to recognise replays);
	// MaxClientCodes and MaxClientTokens those of one client, and
	// MaxGrantTokens the tokens of one grant (a refresh token's family).
	MaxCodes, MaxTokens             int
	MaxClientCodes, MaxClientTokens int
	MaxGrantTokens                  int
}

// DefaultLimits are generous enough for a full authspec run, the load test
// and the interop tests from one loopback address, and bound the memory
// store to about 150 MiB whatever the traffic (see docs/security.md).
var DefaultLimits = Limits{
	Registration:           Rate{PerSecond: 20, Burst: 1000},
	Token:                  Rate{PerSecond: 200, Burst: 5000},
	MaxSources:             10000,
	MaxClients:             5000,
	MaxClientMetadataBytes: 8 << 10,
	UnusedClientTTL:        24 * time.Hour,
	IdleClientTTL:          30 * 24 * time.Hour,
	MaxCodes:               20000,
	MaxTokens:              100000,
	MaxClientCodes:         1000,
	MaxClientTokens:        10000,
	MaxGrantTokens:         1000,
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Registration == (Rate{}) {
		l.Registration = d.Registration
	}
	if l.Token == (Rate{}) {
		l.Token = d.Token
	}
	for _, f := range []struct{ v, d *int }{
		{&l.MaxSources, &d.MaxSources}, {&l.MaxClients, &d.MaxClients},
		{&l.MaxClientMetadataBytes, &d.MaxClientMetadataBytes}, {&l.MaxCodes, &d.MaxCodes},
		{&l.MaxTokens, &d.MaxTokens}, {&l.MaxClientCodes, &d.MaxClientCodes},
		{&l.MaxClientTokens, &d.MaxClientTokens}, {&l.MaxGrantTokens, &d.MaxGrantTokens},
	} {
		if *f.v == 0 {
			*f.v = *f.d
		}
	}
	if l.UnusedClientTTL == 0 {
		l.UnusedClientTTL = d.UnusedClientTTL
	}
	if l.IdleClientTTL == 0 {
		l.IdleClientTTL = d.IdleClientTTL
	}
	return l
}

func (l Limits) validate() error {
	for name, r := range map[string]Rate{"registration": l.Registration, "token": l.Token} {
		if !r.off() && (r.PerSecond <= 0 || r.Burst < 1) {
			return fmt.Errorf("%s rate limit: want a positive rate and a burst of at least 1", name)
		}
	}
	for name, v := range map[string]int{"MaxSources": l.MaxSources, "MaxClients": l.MaxClients,
		"MaxClientMetadataBytes": l.MaxClientMetadataBytes, "MaxCodes": l.MaxCodes, "MaxTokens": l.MaxTokens,
		"MaxClientCodes": l.MaxClientCodes, "MaxClientTokens": l.MaxClientTokens, "MaxGrantTokens": l.MaxGrantTokens} {
		if v < 0 {
			return fmt.Errorf("limit %s is negative", name)
		}
	}
	if l.UnusedClientTTL < 0 || l.IdleClientTTL < 0 {
		return errors.New("client lifetimes must not be negative")
	}
	return nil
}

// bucket names a rate limit.
type bucket int

const (
	registrationBucket bucket = iota
	tokenBucket
)

// sources tracks the token buckets of source addresses, at most max of
// them: when full it forgets the sources whose buckets have filled up again
// (they are as good as new), then arbitrary ones.
type sources struct {
	rates [2]Rate
	max   int

	mu        sync.Mutex
	m         map[netip.Prefix]*source
	lastPrune time.Time
}

type source struct {
	limiters [2]*rate.Limiter
	last     time.Time
}

func newSources(l Limits) *sources {
	return &sources{rates: [2]Rate{l.Registration, l.Token}, max: l.MaxSources, m: make(map[netip.Prefix]*source)}
}

// sourceKey is the source address of r: an IPv4 address, or the /64 of an
// IPv6 address (one host commonly holds a whole /64).
func sourceKey(r *http.Request) netip.Prefix {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// allow takes one token from the bucket b of the source of r at now. When
// there is none it returns how long until there is.
func (ss *sources) allow(r *http.Request, b bucket, now time.Time) (bool, time.Duration) {
	rt := ss.rates[b]
	if rt.off() {
		return true, 0
	}
	key := sourceKey(r)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	src := ss.m[key]
	if src == nil {
		if len(ss.m) >= ss.max {
			ss.pruneLocked(now)
		}
		src = &source{}
		ss.m[key] = src
	}
	src.last = now
	lim := src.limiters[b]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(rt.PerSecond), rt.Burst)
		src.limiters[b] = lim
	}
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// pruneLocked makes room for a source.
func (ss *sources) pruneLocked(now time.Time) {
	if now.Sub(ss.lastPrune) >= time.Second {
		ss.lastPrune = now
		refill := 0.0
		for _, rt := range ss.rates {
			if !rt.off() {
				refill = max(refill, float64(rt.Burst)/rt.PerSecond)
			}
		}
		idle := time.Duration(refill * float64(time.Second))
		for k, s := range ss.m {
			if now.Sub(s.last) >= idle {
				delete(ss.m, k)
			}
		}
	}
	for k := range ss.m {
		if len(ss.m) < ss.max {
			break
		}
		delete(ss.m, k)
	}
}

// rateLimited answers 429 with Retry-After when the source of r has no
// token left in bucket b; it reports whether it answered.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, b bucket) bool {
	ok, wait := s.sources.allow(r, b, s.now())
	if ok {
		return false
	}
	s.writeBusy(w, http.StatusTooManyRequests, wait, "too many requests from this address; retry later")
	return true
}

// writeBusy answers a request the server will not serve now: 429 when the
// caller asked too much, 503 when the server is full.
func (s *Server) writeBusy(w http.ResponseWriter, status int, retry time.Duration, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(retry.Seconds())))))
	s.writeOAuthError(w, busyError(status, msg))
}

func busyError(status int, msg string) *oautherr.Error {
	return &oautherr.Error{Code: "temporarily_unavailable", Description: msg, Status: status}
}

// busyRetry is the Retry-After of answers about full stores: sweeps run
// every minute.
const busyRetry = time.Minute

// getClient returns the client id from the store, unless it has expired by
// the server's clock.
func (s *Server) getClient(ctx context.Context, id string) (*store.Client, error) {
	c, err := s.store.GetClient(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.ExpiresAt.IsZero() && !s.now().Before(c.ExpiresAt) {
		return nil, fmt.Errorf("get client %q: expired: %w", id, store.ErrNotFound)
	}
	return c, nil
}

// createClient stores a new dynamically registered (or metadata document)
// client, making room for it first. Registrations are serialized so that
// concurrent ones do not overshoot MaxClients (replicas sharing a store
// still can, by as many as register at once).
func (s *Server) createClient(ctx context.Context, c *store.Client) *oautherr.Error {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	if oerr := s.makeRoomForClient(ctx); oerr != nil {
		return oerr
	}
	err := s.store.CreateClient(ctx, c)
	if errors.Is(err, store.ErrExists) && isURLClientID(c.ID) {
		return nil // a concurrent request stored the same metadata document's client
	}
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("store client: %w", err))
	}
	return nil
}

// makeRoomForClient makes sure the store can take one more client: at
// MaxClients it evicts the client that expires first among those that
// were never used (their expiry is at most UnusedClientTTL away). It
// returns a 503 error when there is no such client.
func (s *Server) makeRoomForClient(ctx context.Context) *oautherr.Error {
	u, err := s.store.Usage(ctx, "", "")
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("count clients: %w", err))
	}
	for n := u.Clients; n >= s.limits.MaxClients; n-- {
		id, err := s.store.EvictClient(ctx, s.now().Add(s.limits.UnusedClientTTL+time.Second))
		if errors.Is(err, store.ErrNotFound) {
			return busyError(http.StatusServiceUnavailable, "the server holds as many clients as it may; retry later")
		}
		if err != nil {
			return oautherr.ServerError(fmt.Errorf("evict a client: %w", err))
		}
		s.log.Debug("client evicted to make room for a registration", "client_id", id)
	}
	return nil
}

// touchGranularity bounds how often using a client writes its new expiry.
func (s *Server) touchGranularity() time.Duration {
	return min(s.limits.IdleClientTTL/2, 24*time.Hour)
}

// clientUsed postpones the expiry of a client that obtained a token: it
// lives IdleClientTTL from its last use. The store is written at most once
// per touchGranularity per client.
func (s *Server) clientUsed(ctx context.Context, c *store.Client) {
	if c.ExpiresAt.IsZero() {
		return
	}
	until := s.now().Add(s.limits.IdleClientTTL)
	if c.ExpiresAt.After(until.Add(-s.touchGranularity())) {
		return
	}
	if err := s.store.ExtendClient(ctx, c.ID, until); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Error("extend client", "client_id", c.ID, "err", err)
	}
}

// roomForTokens checks that n more tokens of client clientID and grant
// grantID fit: 429 when the client or grant holds its share, 503 when the
// store is full.
func (s *Server) roomForTokens(ctx context.Context, clientID, grantID string, n int) *oautherr.Error {
	u, err := s.store.Usage(ctx, clientID, grantID)
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("count tokens: %w", err))
	}
	switch {
	case u.ClientTokens+n > s.limits.MaxClientTokens:
		return busyError(http.StatusTooManyRequests, "the client holds as many tokens as it may; revoke some or wait for them to expire")
	case grantID != "" && u.GrantTokens+n > s.limits.MaxGrantTokens:
		return busyError(http.StatusTooManyRequests, "the grant holds as many tokens as it may; revoke some or wait for them to expire")
	case u.Tokens+n > s.limits.MaxTokens:
		return busyError(http.StatusServiceUnavailable, "the server holds as many tokens as it may; retry later")
	}
	return nil
}

// roomForCode checks that one more code of clientID fits.
func (s *Server) roomForCode(ctx context.Context, clientID string) *oautherr.Error {
	u, err := s.store.Usage(ctx, clientID, "")
	if err != nil {
		return oautherr.ServerError(fmt.Errorf("count codes: %w", err))
	}
	if u.ClientCodes >= s.limits.MaxClientCodes || u.Codes >= s.limits.MaxCodes {
		return &oautherr.Error{Code: "temporarily_unavailable", Description: "too many authorization codes are pending; retry later"}
	}
	return nil
}
