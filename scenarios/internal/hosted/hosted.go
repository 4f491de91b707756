// Package hosted serves files a check publishes for the target to fetch (a
// client's logo), on a loopback listener of the suite's own, and records
// who fetched them: the target's server, or the browser that shows its
// pages.
package hosted

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"sync"
	"time"
)

// Fetch is one request for a hosted file.
type Fetch struct {
	// Browser is set when a browser asked (its requests carry
	// Sec-Fetch-Dest, which servers' HTTP clients do not send).
	Browser bool
	// Dest is the Sec-Fetch-Dest of a browser's request ("image").
	Dest string
	At   time.Time
}

// Files is a loopback listener that serves the files put on it.
type Files struct {
	srv  *http.Server
	base string
	mu   sync.Mutex
	docs map[string]file
	hits map[string][]Fetch
}

type file struct {
	contentType string
	body        []byte
}

// Start listens on a loopback port.
func Start() (*Files, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for hosted files: %w", err)
	}
	f := &Files{base: "http://" + ln.Addr().String(), docs: map[string]file{}, hits: map[string][]Fetch{}}
	f.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(f.serve)}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *Files) serve(w http.ResponseWriter, r *http.Request) {
	dest := r.Header.Get("Sec-Fetch-Dest")
	f.mu.Lock()
	doc, ok := f.docs[r.URL.Path]
	f.hits[r.URL.Path] = append(f.hits[r.URL.Path], Fetch{Browser: dest != "", Dest: dest, At: time.Now()})
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", doc.contentType)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(doc.body)
}

// Put serves body at path and returns its URL.
func (f *Files) Put(path, contentType string, body []byte) string {
	f.mu.Lock()
	f.docs[path] = file{contentType: contentType, body: body}
	f.mu.Unlock()
	return f.base + path
}

// Fetches returns the requests for path so far.
func (f *Files) Fetches(path string) []Fetch {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Fetch(nil), f.hits[path]...)
}

// Close stops the listener.
func (f *Files) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// Logo returns a small PNG of a random colour: a logo no other page shows.
func Logo() ([]byte, error) {
	var c [3]byte
	if _, err := rand.Read(c[:]); err != nil {
		return nil, fmt.Errorf("logo colour: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{c[0], c[1], c[2], 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode logo: %w", err)
	}
	return buf.Bytes(), nil
}

// Who says whether the browser, and whether anything else (the target's
// server), fetched.
func Who(fs []Fetch) (browser, server bool) {
	for _, x := range fs {
		if x.Browser {
			browser = true
		} else {
			server = true
		}
	}
	return browser, server
}

// HostedLogo is a logo served on a listener of its own.
type HostedLogo struct {
	*Files
	URL string // where the logo is served
	PNG []byte // its bytes
}

// logoPath is where ServeLogo serves the logo.
const logoPath = "/authspec-logo.png"

// ServeLogo starts a listener serving a fresh Logo; Close stops it.
func ServeLogo() (*HostedLogo, error) {
	png, err := Logo()
	if err != nil {
		return nil, err
	}
	f, err := Start()
	if err != nil {
		return nil, err
	}
	return &HostedLogo{Files: f, URL: f.Put(logoPath, "image/png", png), PNG: png}, nil
}

// Who says whether the browser, and whether anything else, fetched the
// logo so far.
func (l *HostedLogo) Who() (browser, server bool) { return Who(l.Fetches(logoPath)) }
