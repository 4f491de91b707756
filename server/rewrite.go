package server

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
)

// Behaviours that change the shape of a response act here, after the
// handler: the route's handler writes the compliant response into a
// buffer, each rule of a behaviour that is on rewrites it, and the result
// is sent. A route whose rules are all off is served by its handler alone.

// rule rewrites the responses of a route while its behaviour is on.
type rule struct {
	when  string // the name of a Fault or Variant
	apply func(*response)
}

func onFault(f Fault, apply func(*response)) rule     { return rule{string(f), apply} }
func onVariant(v Variant, apply func(*response)) rule { return rule{string(v), apply} }

// rulesOn keeps the rules whose behaviour is on.
func (s *Server) rulesOn(rules []rule) []rule {
	var on []rule
	for _, r := range rules {
		if s.on[r.when] {
			on = append(on, r)
		}
	}
	return on
}

// response is a buffered response that rules may change before it is sent.
type response struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
	// before are the headers set before the handler ran (by the
	// server-wide middleware).
	before http.Header
	// sent is what the handler read of the request body.
	sent []byte
}

// form returns the request's parameters as the handler read them: the
// form-encoded body, then the query.
func (res *response) form() url.Values {
	form, err := url.ParseQuery(string(res.sent))
	if err != nil {
		form = url.Values{}
	}
	for k, vs := range res.req.URL.Query() {
		if !form.Has(k) {
			form[k] = vs
		}
	}
	return form
}

// isJSON reports whether the response is a JSON document.
func (res *response) isJSON() bool {
	return res.header.Get("Content-Type") == "application/json" && len(res.body) > 0
}

// members decodes a JSON object body; ok is false for any other body.
func (res *response) members() (map[string]any, bool) {
	if !res.isJSON() {
		return nil, false
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// member returns a string member of a JSON object body.
func (res *response) member(name string) string {
	m, _ := res.members()
	v, _ := m[name].(string)
	return v
}

// editMembers changes the members of a JSON object body. The body is
// written again in its former layout (indented or not, with or without a
// final newline), members in the order of their names.
func (res *response) editMembers(edit func(m map[string]any)) {
	m, ok := res.members()
	if !ok {
		return
	}
	edit(m)
	res.encode(m)
}

// editBody decodes a JSON body into a T, changes it and writes it again in
// its former layout: a body the handler wrote from a T comes out as the
// handler would have written the changed T.
func editBody[T any](res *response, edit func(*T)) {
	if !res.isJSON() {
		return
	}
	var v T
	if err := json.Unmarshal(res.body, &v); err != nil {
		return
	}
	edit(&v)
	res.encode(v)
}

func (res *response) encode(v any) {
	indented := bytes.Contains(res.body, []byte("{\n  "))
	newline := bytes.HasSuffix(res.body, []byte("\n"))
	var body []byte
	var err error
	if indented {
		body, err = json.MarshalIndent(v, "", "  ")
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		return
	}
	if newline {
		body = append(body, '\n')
	}
	res.body = body
}

// replace makes the response a plain text one, as writePlainError writes.
func (res *response) replace(status int, text string) {
	res.header = res.before.Clone()
	res.header.Set("Content-Type", "text/plain; charset=utf-8")
	res.header.Set("Cache-Control", "no-store")
	res.status = status
	res.body = []byte(text + "\n")
}

// dropHeaders is a rule that removes headers from every response.
func dropHeaders(names ...string) func(*response) {
	return func(res *response) {
		for _, n := range names {
			res.header.Del(n)
		}
	}
}

// rewritten serves h with the rules of the behaviours that are on; with
// none on it is h itself.
func (s *Server) rewritten(h http.Handler, rules ...rule) http.Handler {
	on := s.rulesOn(rules)
	if len(on) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		before := w.Header().Clone()
		rec := &recorder{header: w.Header().Clone(), status: http.StatusOK}
		var sent bytes.Buffer
		if r.Body != nil {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, &limitedWriter{&sent, maxFormBytes + 1}), r.Body}
		}
		h.ServeHTTP(rec, r)
		res := &response{req: r, status: rec.status, header: rec.header, body: rec.body.Bytes(), before: before, sent: sent.Bytes()}
		for _, rl := range on {
			rl.apply(res)
		}
		clear(w.Header())
		maps.Copy(w.Header(), res.header)
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
	})
}

// recorder buffers a handler's response.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if !rec.wroteHeader {
		rec.status, rec.wroteHeader = status, true
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(b)
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	buf *bytes.Buffer
	n   int
}

func (lw *limitedWriter) Write(p []byte) (int, error) {
	if room := lw.n - lw.buf.Len(); room > 0 {
		lw.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
