package kit

import (
	"encoding/base64"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authspec/authspec/suite/plugin/abi"
)

func TestMustPush(t *testing.T) {
	c := &Registered{ClientID: "c"}
	optional := &T{In: abi.Input{Target: abi.Target{Metadata: map[string]any{"require_pushed_authorization_requests": false}}}}
	assert.False(t, optional.MustPush(c))
	c.RequirePAR = true
	assert.True(t, optional.MustPush(c), "the client registered as PAR-only")
	required := &T{In: abi.Input{Target: abi.Target{Metadata: map[string]any{"require_pushed_authorization_requests": true}}}}
	assert.True(t, required.MustPush(&Registered{ClientID: "d"}))
}

func TestClientAuth(t *testing.T) {
	form := url.Values{}
	h := clientAuth(&Registered{ClientID: "a b", ClientSecret: "s:1", AuthMethod: "client_secret_basic"}, form)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("a+b:s%3A1")), h.Get("Authorization"), "form-urlencoded, then Base64 (RFC 6749 §2.3.1)")
	assert.Empty(t, form)
	form = url.Values{}
	assert.Nil(t, clientAuth(&Registered{ClientID: "a", ClientSecret: "s", AuthMethod: "client_secret_post"}, form))
	assert.Equal(t, url.Values{"client_id": {"a"}, "client_secret": {"s"}}, form)
	form = url.Values{}
	assert.Nil(t, clientAuth(&Registered{ClientID: "a", AuthMethod: "none"}, form))
	assert.Equal(t, url.Values{"client_id": {"a"}}, form)
}
