package browser

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseForms(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://as.example/consent?request=abc")
	page := `<html><body>
<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>
<form method="POST" action="">
  <input type="hidden" name="csrf_token" value="t1">
  <input type="hidden" name="request" value="abc">
  <input type="checkbox" name="scope" value="read" checked>
  <input type="checkbox" name="scope" value="write">
  <input type="checkbox" name="remember" value="yes" checked disabled>
  <textarea name="note">hi</textarea>
  <button name="decision" value="approve" id="allow">Allow</button>
  <input type="submit" name="decision" value="deny">
</form></body></html>`
	forms := parseForms([]byte(page), base)
	require.Len(t, forms, 2)
	assert.Equal(t, "https://as.example/login", forms[0].action)
	f := forms[1]
	assert.Equal(t, "https://as.example/consent?request=abc", f.action)
	assert.Equal(t, "POST", f.method)
	assert.Equal(t, url.Values{"csrf_token": {"t1"}, "request": {"abc"}, "scope": {"read"}, "note": {"hi"}}, f.values)
	assert.Empty(t, parseForms([]byte("\x00<<<not html"), base), "garbage has no forms")
}
