package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authspec/authspec/suite"
	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/runner"
	"github.com/authspec/authspec/suite/vocab"
)

var update = flag.Bool("update", false, "regenerate reports/testdata/*.golden")

// hostile is what a malicious or broken server might put in a response
// that ends up in a message: markup, Markdown syntax, table pipes, line
// breaks, a CDATA end, ANSI escapes and the control bytes XML forbids. It is
// valid UTF-8 so that the JSON round trip is exact; invalid bytes are tested
// on their own below.
const hostile = "<script>alert('pwned')</script> a|b `code` *bold* [link](javascript:alert(1)) ]]> & \"q\"\n" +
	"second line\r\nthird \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x1b[31mred\x1f\x7f \u0085 \uFFFE\uFFFF end"

const pngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAG0lEQVR4nGJhYDhhw8AAQSwgAgZwcwABAAD//1kIAkFDQYpQAAAAAElFTkSuQmCC"

func pngBytes(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(pngBase64)
	require.NoError(t, err)
	return b
}

// sampleReport has one result of each status, and more: a baselined
// failure, two skips with the same reason, exchanges with and without a
// response, attachments inline, by path and as text, unicode and hostile
// strings.
func sampleReport(t testing.TB) *Report {
	started := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	tokenExchange := httpx.Exchange{
		Note: "token request with a wrong secret",
		Request: httpx.Request{Method: "POST", URL: "https://auth.example.com/token",
			Headers: map[string][]string{
				"Authorization": {"Basic [REDACTED]"},
				"Content-Type":  {"application/x-www-form-urlencoded"},
				"User-Agent":    {"authspec"},
			},
			Body: "grant_type=client_credentials&scope=read"},
		Response: &httpx.Response{Status: 200,
			Headers: map[string][]string{
				"Content-Type": {"text/html; charset=utf-8"},
				"X-Evil":       {hostile},
			},
			Body: "<html><body>" + hostile + "</body></html>\n", Truncated: true},
		DurationMS: 12,
	}
	results := []suite.Result{
		{ID: "rfc6749-5.1-token-type", Spec: suite.RFC6749, Section: "5.1", Level: suite.Must,
			Features: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureClientCredentials}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title: "Token responses are JSON with access_token and token_type", Status: suite.Pass, DurationMS: 8},
		{ID: "rfc6749-5.2-invalid-client-401", Spec: suite.RFC6749, Section: "5.2", Level: suite.Must,
			Features: []vocab.Feature{vocab.FeatureConfidential, vocab.FeatureSecretBasic}, Profiles: []vocab.Profile{vocab.ProfileCore},
			Title:      "A failed HTTP Basic client authentication answers 401 invalid_client with WWW-Authenticate",
			Quote:      "If the client attempted to authenticate via the \"Authorization\" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the \"WWW-Authenticate\" response header field.",
			Status:     suite.Fail,
			Message:    "a wrong client secret was accepted: " + hostile,
			Want:       "401 with WWW-Authenticate: Basic",
			Got:        "200 text/html | unicode: héllo — 日本語 🚀",
			Fix:        "Reject requests whose Basic credentials do not match; answer 401 invalid_client.",
			DurationMS: 1234, Exchanges: []httpx.Exchange{tokenExchange},
			Log: []string{"registered client c-1", "sent wrong secret"}},
		{ID: "rfc6749-10.12-state-csrf", Spec: suite.RFC6749, Section: "10.12", Level: suite.Should,
			Features: []vocab.Feature{vocab.FeatureBrowser}, Title: "The consent page resists CSRF",
			Status: suite.Warn, Message: "the consent form has no anti-CSRF token", Fix: "Add a per-session token to the form.",
			DurationMS: 2500,
			Attachments: []suite.Attachment{
				{Name: "consent.png", ContentType: "image/png", Data: pngBytes(t)},
				{Name: "fake.png", ContentType: "image/png", Data: []byte("<svg onload=alert(1)>")},
				{Name: "full-page.png", ContentType: "image/png", Path: "screenshots/rfc6749-10.12 consent.png"},
				{Name: "page-url", ContentType: "text/plain", Text: "https://auth.example.com/consent?x=<b>"},
			}},
		{ID: "rfc7591-2-redirect-uris", Spec: suite.RFC7591, Section: "2", Level: suite.MustNot, Features: []vocab.Feature{vocab.FeatureDCR},
			Title: "Registration refuses redirect URIs with fragments", Status: suite.Skip,
			Message: "requires dcr: no registration_endpoint in the metadata"},
		{ID: "rfc7591-3.2.1-client-id", Spec: suite.RFC7591, Section: "3.2.1", Level: suite.Must, Features: []vocab.Feature{vocab.FeatureDCR},
			Title: "Registration returns a client_id", Status: suite.Skip,
			Message: "requires dcr: no registration_endpoint in the metadata"},
		{ID: "rfc7591-3.2.2-error-json", Spec: suite.RFC7591, Section: "3.2.2", Level: suite.Must, Features: nil,
			Title: "Registration errors are JSON", Status: suite.Fail, Baselined: true,
			Message: "the error response is text/plain", Want: "application/json", Got: "text/plain", DurationMS: 3},
		{ID: "mcp-2.3-protected-resource", Spec: suite.MCP, Section: "2.3", Level: suite.Must,
			Features: []vocab.Feature{vocab.FeatureResourceMetadata}, Title: "The resource publishes RFC 9728 metadata",
			Status: suite.Error, Message: "fixture failed: dial tcp 127.0.0.1:1: connect: connection refused", DurationMS: 1,
			Exchanges: []httpx.Exchange{{Request: httpx.Request{Method: "GET", URL: "https://api.example.com/.well-known/oauth-protected-resource"},
				Error: "dial tcp 127.0.0.1:1: connect: connection refused", DurationMS: 1}}},
	}
	r := &Report{Schema: SchemaVersion, Tool: "authspec", Version: "1.2.3", Target: "https://auth.example.com",
		Started: started, DurationMS: 4321, Summary: runner.Summarize(results), FailOn: vocab.GateMust,
		Profiles: []vocab.Profile{vocab.ProfileCore, vocab.ProfileDCR}, Claims: []vocab.Profile{vocab.ProfileOAuth21},
		Features: []vocab.Feature{vocab.FeatureMetadata, vocab.FeatureClientCredentials, vocab.FeatureSecretBasic},
		Results:  results}
	return r
}

var goldenFiles = map[Format]string{
	FormatJSON:     "testdata/report.json.golden",
	FormatJUnit:    "testdata/junit.xml.golden",
	FormatMarkdown: "testdata/report.md.golden",
	FormatHTML:     "testdata/report.html.golden",
}

// TestGolden renders the sample report in every format and compares it with
// testdata/*.golden. Run `go test ./reports -update` after reviewing a change.
func TestGolden(t *testing.T) {
	r := sampleReport(t)
	for _, f := range AllFormats() {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, f, r))
			path := goldenFiles[f]
			require.NotEmpty(t, path, "no golden file for %s", f)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run `go test ./reports -update` to create %s", path)
			require.Equal(t, string(want), buf.String(), "%s changed: review, then run `go test ./reports -update`", path)
		})
	}
}

func TestJSON_RoundTrip(t *testing.T) {
	r := sampleReport(t)
	path := filepath.Join(t.TempDir(), "report.json")
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, r))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	got, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, r, got)
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Format
		wantErr  string
	}{
		{name: "one", in: "json", want: []Format{FormatJSON}},
		{name: "all", in: "json,junit,md,html", want: []Format{FormatJSON, FormatJUnit, FormatMarkdown, FormatHTML}},
		{name: "order kept", in: "html,json", want: []Format{FormatHTML, FormatJSON}},
		{name: "spaces and case", in: " JSON , Junit ", want: []Format{FormatJSON, FormatJUnit}},
		{name: "markdown alias", in: "markdown", want: []Format{FormatMarkdown}},
		{name: "duplicates dropped", in: "md,md,markdown", want: []Format{FormatMarkdown}},
		{name: "unknown", in: "json,pdf", wantErr: `unknown format "pdf" (formats: json, junit, md, html)`},
		{name: "empty", in: "", wantErr: "no format given (formats: json, junit, md, html)"},
		{name: "empty item", in: "json,,md", wantErr: `empty format in "json,,md"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFormats(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWrite_AllFormats(t *testing.T) {
	r := sampleReport(t)
	dir := filepath.Join(t.TempDir(), "out", "nested")
	for round := 0; round < 2; round++ { // the second round replaces the files
		files, err := Write(dir, AllFormats(), r)
		require.NoError(t, err)
		require.Equal(t, []string{
			filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml"),
			filepath.Join(dir, "report.md"), filepath.Join(dir, "report.html"),
		}, files)
		for i, f := range AllFormats() {
			var want bytes.Buffer
			require.NoError(t, Render(&want, f, r))
			got, err := os.ReadFile(files[i])
			require.NoError(t, err)
			assert.Equal(t, want.String(), string(got), f)
			st, err := os.Stat(files[i])
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), f)
		}
	}
	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.True(t, st.IsDir())
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm()&^umask(t))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 4, "no temporary file is left behind")
}

// umask returns the bits the process umask removes, learnt from a fresh directory.
func umask(t *testing.T) os.FileMode {
	d := filepath.Join(t.TempDir(), "probe")
	require.NoError(t, os.Mkdir(d, 0o777))
	st, err := os.Stat(d)
	require.NoError(t, err)
	return 0o777 &^ st.Mode().Perm()
}

func TestWrite_UnknownFormatWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files, err := Write(dir, []Format{FormatJSON, "pdf"}, sampleReport(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown format "pdf"`)
	assert.Empty(t, files)
	_, statErr := os.Stat(dir)
	assert.True(t, os.IsNotExist(statErr), "nothing is created for a bad request")
}

func TestWrite_ReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	_, err := Write(dir, []Format{FormatMarkdown}, sampleReport(t))
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "# ❌ authspec: FAIL — `https://auth.example.com`\n"))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

// junitDoc is the reading side of JUnit XML, independent of the writer's types.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnit_StatusesMapToElements guards against h2spec's bug: every status
// must land in its own element, and the counts must add up.
func TestJUnit_StatusesMapToElements(t *testing.T) {
	r := sampleReport(t)
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, r))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))

	assert.Equal(t, 7, doc.Tests)
	assert.Equal(t, 2, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, 2, doc.Skipped)
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		f, e, sk := 0, 0, 0
		for _, c := range s.Cases {
			assert.Equal(t, s.Name, c.Classname)
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		assert.Equal(t, len(s.Cases), s.Tests, s.Name)
		assert.Equal(t, f, s.Failures, s.Name)
		assert.Equal(t, e, s.Errors, s.Name)
		assert.Equal(t, sk, s.Skipped, s.Name)
	}
	assert.Equal(t, []string{"MCP Authorization", "RFC 6749", "RFC 7591"}, names)

	byID := map[string]int{}
	for _, s := range doc.Suites {
		for i, c := range s.Cases {
			id, _, _ := strings.Cut(c.Name, ": ")
			byID[id] = i
			switch id {
			case "rfc6749-5.1-token-type":
				assert.Nil(t, c.Failure)
				assert.Nil(t, c.Error)
				assert.Nil(t, c.Skipped)
				assert.Equal(t, "0.008", c.Time)
			case "rfc6749-5.2-invalid-client-401":
				require.NotNil(t, c.Failure, "FAIL is a <failure>")
				assert.Nil(t, c.Error, "FAIL is not an <error>")
				assert.Equal(t, "MUST", c.Failure.Type)
				assert.Equal(t, "1.234", c.Time)
				assert.Equal(t, "rfc6749-5.2-invalid-client-401: A failed HTTP Basic client authentication answers 401 invalid_client with WWW-Authenticate", c.Name)
				for _, want := range []string{"want: 401 with WWW-Authenticate: Basic", "got: 200 text/html", "fix: Reject",
					"> POST https://auth.example.com/token", "> Authorization: Basic [REDACTED]", "< 200",
					"> grant_type=client_credentials&scope=read", "< [body truncated]", "日本語 🚀"} {
					assert.Contains(t, c.Failure.Text, want)
				}
			case "rfc7591-3.2.2-error-json":
				require.NotNil(t, c.Failure)
				assert.True(t, strings.HasPrefix(c.Failure.Message, "[baselined] "))
			case "mcp-2.3-protected-resource":
				require.NotNil(t, c.Error, "ERROR is an <error>")
				assert.Nil(t, c.Failure, "ERROR is not a <failure>")
				assert.Contains(t, c.Error.Text, "! dial tcp 127.0.0.1:1: connect: connection refused")
			case "rfc7591-2-redirect-uris", "rfc7591-3.2.1-client-id":
				require.NotNil(t, c.Skipped, "SKIP is <skipped>")
				assert.Equal(t, "requires dcr: no registration_endpoint in the metadata", c.Skipped.Message)
			case "rfc6749-10.12-state-csrf":
				assert.Nil(t, c.Failure, "WARN passes in JUnit terms")
				assert.Nil(t, c.Error)
				assert.True(t, strings.HasPrefix(c.SystemOut, "WARN (SHOULD): the consent form has no anti-CSRF token"))
			default:
				t.Errorf("unexpected test case %q", c.Name)
			}
		}
	}
	assert.Len(t, byID, 7)
}

// forbidden is every character that XML 1.0 does not allow, plus bytes that
// are not UTF-8.
func forbidden() string {
	var b strings.Builder
	for c := 0; c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			b.WriteByte(byte(c))
		}
	}
	b.WriteString("\uFFFE\uFFFF\xff\xfe\xc3\x28\xed\xa0\x80")
	return b.String()
}

func hostileEverywhere() *Report {
	h := "bad" + forbidden() + "]]><x>&"
	results := []suite.Result{}
	for _, st := range []suite.Status{suite.Pass, suite.Fail, suite.Warn, suite.Skip, suite.Error, "BOGUS" + suite.Status(h)} {
		results = append(results, suite.Result{ID: "id-" + h, Spec: suite.Spec("spec" + h), Section: h, Level: suite.Level(h),
			Features: []vocab.Feature{vocab.Feature(h)}, Title: h, Quote: h, Status: st, Message: h, Want: h, Got: h, Fix: h,
			Exchanges: []httpx.Exchange{{Note: h, Error: h,
				Request:  httpx.Request{Method: h, URL: h, Headers: map[string][]string{h: {h}}, Body: h},
				Response: &httpx.Response{Status: 500, Headers: map[string][]string{h: {h}}, Body: h}}},
			Attachments: []suite.Attachment{{Name: h, ContentType: h, Path: h, Text: h, Data: []byte(h)}},
			Log:         []string{h}})
	}
	return &Report{Schema: 1, Tool: "authspec", Version: h, Target: h, Profiles: []vocab.Profile{vocab.Profile(h)}, Features: []vocab.Feature{vocab.Feature(h)},
		Summary: runner.Summarize(results), Results: results}
}

// wellFormed reads every token of an XML document; Go's decoder rejects
// characters outside the XML 1.0 Char production.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		require.NoError(t, err, "junit.xml is not well-formed")
	}
}

func TestJUnit_ForbiddenCharactersKeepItWellFormed(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, hostileEverywhere()))
	wellFormed(t, buf.Bytes())
	out := buf.String()
	for c := 0; c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			assert.NotContains(t, out, string(rune(c)), "control byte %#x", c)
		}
	}
	assert.Contains(t, out, `bad\x00\x01\x02`, "forbidden bytes are shown escaped")
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	for _, c := range doc.Suites[0].Cases {
		if c.Failure != nil {
			// Markup and a CDATA end in the details come back as the text they were.
			assert.Contains(t, c.Failure.Text, `\xa0\x80]]><x>&`)
			assert.Contains(t, c.Failure.Message, `]]><x>&`)
		}
	}
	assert.Equal(t, 6, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 2, doc.Errors, "ERROR and an unknown status are errors")
	assert.Equal(t, 1, doc.Skipped)
}

func FuzzJUnitWellFormed(f *testing.F) {
	f.Add("plain", "body")
	f.Add(forbidden(), "]]>")
	f.Add("\xef\xbf\xbe", "\x00<a>")
	f.Fuzz(func(t *testing.T, message, body string) {
		r := &Report{Tool: "authspec", Results: []suite.Result{{ID: "x-1", Status: suite.Fail, Message: message, Got: body,
			Exchanges: []httpx.Exchange{{Response: &httpx.Response{Status: 200, Body: body, Headers: map[string][]string{message: {body}}}}}}}}
		var buf bytes.Buffer
		require.NoError(t, WriteJUnit(&buf, r))
		wellFormed(t, buf.Bytes())
	})
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
		{"a\x00b\x1bc\x7f", `a\x00b\x1bc\x7f`},
		{"c1 \u0085 \u009b", `c1 \u0085 \u009B`},
		{"nonchars \uFFFE\uFFFF", `nonchars \uFFFE\uFFFF`},
		{"bad utf8 \xff\xc3(", `bad utf8 \xff\xc3(`},
		{"unicode héllo 日本語 🚀 \uFFFD", "unicode héllo 日本語 🚀 \uFFFD"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, clean(tt.in), "%q", tt.in)
	}
}

func TestMarkdown_EscapesHostileText(t *testing.T) {
	out := renderMarkdown(hostileEverywhere(), markdownLimit)
	// Markup is literal text inside code spans; everywhere else it is escaped.
	assert.NotContains(t, regexp.MustCompile("`[^`\n]*`").ReplaceAllString(out, ""), "<x>")
	assert.NotContains(t, out, "\x00")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "id-bad") {
			// A row keeps its six cells whatever the message holds.
			cells := regexp.MustCompile(`(^|[^\\])\|`).FindAllStringIndex(line, -1)
			assert.Len(t, cells, 7, "row %q", line)
		}
	}
	md := renderMarkdown(sampleReport(t), markdownLimit)
	assert.Contains(t, md, `a\|b`)
	assert.Contains(t, md, "&lt;script&gt;")
	assert.NotContains(t, md, "<script>")
	assert.Contains(t, md, `\[link\](javascript:alert(1))`, "links from the target are not links")
}

func TestMarkdown_StaysUnderLimitForBigRuns(t *testing.T) {
	var results []suite.Result
	for i := 0; i < 20000; i++ {
		st := []suite.Status{suite.Fail, suite.Warn, suite.Skip, suite.Error}[i%4]
		results = append(results, suite.Result{ID: fmt.Sprintf("rfc6749-5.2-check-%05d", i), Spec: suite.RFC6749, Section: "5.2",
			Level: suite.Must, Title: "A title", Status: st, Message: strings.Repeat("long message | ", 100) + fmt.Sprint(i%50),
			Fix: strings.Repeat("fix ", 200)})
	}
	r := &Report{Tool: "authspec", Target: "https://auth.example.com", Summary: runner.Summarize(results), Results: results}
	var buf bytes.Buffer
	require.NoError(t, WriteMarkdown(&buf, r))
	out := buf.String()
	assert.LessOrEqual(t, len(out), 1<<20)
	assert.Contains(t, out, "more results not shown: this summary is limited to 1 MiB")
	assert.Contains(t, out, "| **Total** | 0 | 5000 | 5000 | 5000 | 5000 | 20000 |", "counts are never truncated")
	assert.True(t, strings.HasSuffix(out, "</details>\n"), "the skipped section is closed")

	// A tiny limit exercises the last-resort cut.
	small := renderMarkdown(sampleReport(t), 600)
	assert.LessOrEqual(t, len(small), 600)
	assert.Contains(t, small, "The rest of this summary is cut")
}

var (
	scriptRe = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	styleRe  = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	cspRe    = regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`)
)

func TestHTML_SelfContainedAndEscaped(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, sampleReport(t)))
	out := buf.String()

	scripts := scriptRe.FindAllStringSubmatch(out, -1)
	require.Len(t, scripts, 1, "only the page's own script")
	assert.NotContains(t, out, "<script>alert")
	assert.Contains(t, out, "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;")
	assert.NotContains(t, out, "\x00")
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "<svg onload", "a fake PNG is not inlined")
	assert.NotContains(t, out, "onload=", "no event handler attribute from the data")
	assert.NotContains(t, out, "javascript:alert(1)\"")
	assert.NotRegexp(t, `(?i)(src|href)="(https?:)?//`, out, "no external asset")
	assert.NotContains(t, out, `<link `)

	// The CSP allows exactly the inline script and style, by hash.
	m := cspRe.FindStringSubmatch(out)
	require.NotNil(t, m)
	csp := strings.ReplaceAll(m[1], "&#39;", "'")
	csp = strings.ReplaceAll(csp, "&#43;", "+")
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "script-src "+hash(scripts[0][1]))
	styles := styleRe.FindAllStringSubmatch(out, -1)
	require.Len(t, styles, 1)
	assert.Contains(t, csp, "style-src "+hash(styles[0][1]))

	// The real PNG is inline; the path becomes a relative link.
	assert.Contains(t, out, `<img src="data:image/png;base64,`+pngBase64+`" alt="consent.png">`)
	assert.Contains(t, out, `href="screenshots/rfc6749-10.12%20consent.png"`)
	// Every result is an expandable element with its filter keys.
	assert.Equal(t, 7, strings.Count(out, `<details class="result `))
	assert.Contains(t, out, `data-status="FAIL" data-spec="RFC 6749"`)
	assert.Contains(t, out, `<option value="MCP Authorization">MCP Authorization</option>`)

	// Hostile input everywhere, including statuses and invalid UTF-8.
	buf.Reset()
	require.NoError(t, WriteHTML(&buf, hostileEverywhere()))
	out = buf.String()
	assert.NotContains(t, out, "<x>")
	assert.NotContains(t, out, "\x00")
	assert.Len(t, scriptRe.FindAllString(out, -1), 1)
}

func TestIsRelativePath(t *testing.T) {
	for p, want := range map[string]bool{
		"shots/a.png": true, "a b.png": true, "../a.png": true,
		"/etc/passwd": false, `\\host\share`: false, "javascript:alert(1)": false, "http://evil/": false,
		"//evil/a.png": false, "C:/x.png": false,
	} {
		assert.Equal(t, want, isRelativePath(p), p)
	}
}

func TestGatingFailures(t *testing.T) {
	r := sampleReport(t)
	assert.Equal(t, []string{"rfc6749-5.2-invalid-client-401", "mcp-2.3-protected-resource"}, r.GatingFailures())
	r.FailOn = vocab.GateShould
	assert.Equal(t, []string{"rfc6749-5.2-invalid-client-401", "rfc6749-10.12-state-csrf", "mcp-2.3-protected-resource"}, r.GatingFailures())
	r.Results = r.Results[:1]
	assert.Empty(t, r.GatingFailures())
	assert.Equal(t, "PASS", verdict(r))
}
