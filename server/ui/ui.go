// Package ui holds the embedded HTML templates of the reference server's
// login, consent and error pages.
package ui

import "embed"

// FS holds the *.html templates.
//
//go:embed *.html
var FS embed.FS
