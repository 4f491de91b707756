package suite

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/authspec/authspec/suite/vocab"
)

// grantPolicy is what the run knows of how many grants the server keeps
// per user and client.
type grantPolicy struct {
	once sync.Once
	one  bool
}

// grantProbeTimeout bounds the probe of OneGrantPerClient.
const grantProbeTimeout = 30 * time.Second

// OneGrantPerClient reports whether the server keeps one grant per user and
// client, where a new authorization revokes the client's earlier grant
// (its unredeemed code, its tokens): the config says so
// (one_grant_per_client), or the run finds it out once, before the first
// check that asks, where checks can have clients of their own: two codes
// of the run's confidential client, the first redeemed after the second
// was issued and refused with invalid_grant while the second is redeemed.
// On such a server the checks run with clients of their own (OwnsClients),
// since one check's authorization would revoke what another holds.
func (e *Env) OneGrantPerClient(ctx context.Context) bool {
	e.grants.once.Do(func() {
		if e.Target != nil && e.Target.Config != nil && e.Target.Config.OneGrantPerClient {
			e.grants.one = true
			e.Target.SetFeature(vocab.FeatureOneGrantPerClient, true, "")
			return
		}
		e.grants.one = e.probeOneGrant(ctx)
		why := "a second authorization of a client left its first code redeemable"
		if e.grants.one {
			why = ""
		}
		if e.Target != nil {
			e.Target.SetFeature(vocab.FeatureOneGrantPerClient, e.grants.one, why)
		}
	})
	return e.grants.one
}

// probeOneGrant runs the probe of OneGrantPerClient; any failure on the
// way (no codes without a person, no registration) reads as no.
func (e *Env) probeOneGrant(ctx context.Context) bool {
	if e.Target == nil || e.Fixtures == nil || e.Transport == nil {
		return false
	}
	for _, f := range []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureAuthCode, vocab.FeatureNonInteractive} {
		if ok, _ := e.Target.Has(f); !ok {
			return false
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grantProbeTimeout)
	defer cancel()
	if !e.Fixtures.CanOwn(ctx) {
		return false // no remedy the probe could enable
	}
	t := NewT(e, &Check{ID: "(grant policy)"})
	c, err := t.Fixtures.Confidential(ctx, t.HTTP)
	if err != nil {
		return false
	}
	first, second := t.NewAuthRequest(c), t.NewAuthRequest(c)
	code1, _, err := t.Code(ctx, first)
	if err != nil || code1 == "" {
		return false
	}
	code2, _, err := t.Code(ctx, second)
	if err != nil || code2 == "" {
		return false
	}
	res1, err := t.Redeem(ctx, first, code1, nil)
	if err != nil || res1.Status == http.StatusOK {
		return false
	}
	res2, err := t.Redeem(ctx, second, code2, nil)
	return err == nil && res2.Status == http.StatusOK && errorCode(res1.Body) == "invalid_grant"
}

// errorCode is the "error" member of a JSON body, or "".
func errorCode(body []byte) string {
	var m struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	return m.Error
}
