package suite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/authspec/authspec/suite/httpx"
	"github.com/authspec/authspec/suite/vocab"
)

// Status is the outcome of one check.
type Status string

// Statuses.
const (
	Pass  Status = "PASS"
	Fail  Status = "FAIL"
	Warn  Status = "WARN"
	Skip  Status = "SKIP"
	Error Status = "ERROR"
)

// Failure is how a check reports that the target broke the requirement.
// Everything in it is shown to the user: say what was expected, what came
// back, and how to fix it.
type Failure struct {
	Message string
	Want    string
	Got     string
	Fix     string
	// Exchanges are the HTTP exchanges that show the failure; when empty,
	// the check's whole recording is attached.
	Exchanges []httpx.Exchange
	// Attachments are extra evidence (screenshots, page URLs).
	Attachments []Attachment
	// Observation marks a finding that is reported as WARN whatever the
	// level: behaviour where specifications are in tension, or that needs a
	// person to judge.
	Observation bool
	// Cause is the error the failure was concluded from, if any. A
	// failure caused by a request that got no answer (an
	// *httpx.TransportError) is reported as ERROR: a target that did not
	// answer has not broken the requirement.
	Cause error
}

// Attachment is extra evidence of a result.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	// Path is relative to the report directory, or empty when Data is inline.
	Path string `json:"path,omitempty"`
	Data []byte `json:"data,omitempty"`
	Text string `json:"text,omitempty"`
}

func (f *Failure) Error() string {
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Want != "" {
		fmt.Fprintf(&b, "; want %s", f.Want)
	}
	if f.Got != "" {
		fmt.Fprintf(&b, "; got %s", f.Got)
	}
	return b.String()
}

// Unwrap returns the cause of f.
func (f *Failure) Unwrap() error { return f.Cause }

// WithCause records the error f was concluded from and returns f.
func (f *Failure) WithCause(err error) *Failure {
	f.Cause = err
	return f
}

// WithFix sets the remedy of f, unless it has one, and returns f.
func (f *Failure) WithFix(fix string) *Failure {
	if f.Fix == "" {
		f.Fix = fix
	}
	return f
}

// WithEvidence puts exchanges before f's own (e.g. the request that set up
// what the failing response contradicts) and returns f.
func (f *Failure) WithEvidence(ex ...httpx.Exchange) *Failure {
	f.Exchanges = append(ex, f.Exchanges...)
	return f
}

// AsObservation marks f as an observation, reported as WARN whatever the
// check's level, and returns f.
func (f *Failure) AsObservation() *Failure {
	f.Observation = true
	return f
}

// Failf builds a Failure with a formatted message.
func Failf(format string, args ...any) *Failure {
	return &Failure{Message: fmt.Sprintf(format, args...)}
}

// Skipped reports that a check cannot run against this target, and why.
type Skipped struct{ Reason string }

func (s *Skipped) Error() string { return "skipped: " + s.Reason }

// SkipErr returns a Skipped with a formatted reason.
func SkipErr(format string, args ...any) error {
	return &Skipped{Reason: fmt.Sprintf(format, args...)}
}

// Result is the outcome of one check in one run.
type Result struct {
	ID          string           `json:"id"`
	Spec        Spec             `json:"spec"`
	Section     string           `json:"section"`
	Level       Level            `json:"level"`
	Features    []vocab.Feature  `json:"features"`
	Profiles    []vocab.Profile  `json:"profiles,omitempty"`
	Title       string           `json:"title"`
	Quote       string           `json:"quote,omitempty"`
	Status      Status           `json:"status"`
	Message     string           `json:"message,omitempty"`
	Want        string           `json:"want,omitempty"`
	Got         string           `json:"got,omitempty"`
	Fix         string           `json:"fix,omitempty"`
	DurationMS  int64            `json:"duration_ms"`
	Exchanges   []httpx.Exchange `json:"exchanges,omitempty"`
	Attachments []Attachment     `json:"attachments,omitempty"`
	Log         []string         `json:"log,omitempty"`
	// Baselined marks a failure accepted by the baseline file.
	Baselined bool `json:"baselined,omitempty"`
}

// NewResult fills the definition fields of a result for c.
func NewResult(c *Check) Result {
	return Result{ID: c.ID, Spec: c.Spec, Section: c.Section, Level: c.Level,
		Features: append([]vocab.Feature{}, c.Requires...), Profiles: c.Profiles, Title: c.Title, Quote: c.Quote}
}

// Classify turns the error returned by a check into a status and fills the
// result. recorded are the check's exchanges, attached to non-passing results.
func (r *Result) Classify(c *Check, err error, recorded []httpx.Exchange) {
	var f *Failure
	var s *Skipped
	switch {
	case err == nil:
		r.Status = Pass
	case unanswered(err, recorded) != "":
		// A request without an answer proves nothing about the
		// target: ERROR, whatever the check made of it.
		r.Status = Error
		r.Message = unanswered(err, recorded)
		r.Exchanges = recorded
	case httpx.AsThrottled(err) != nil:
		// The target asked the run to come back later, every time:
		// nothing was judged.
		r.Status = Skip
		r.Message = "the target rate-limited the run (" + httpx.AsThrottled(err).Error() +
			"): run fewer checks at a time (--parallel 1), or raise the target's limits for the test clients"
		r.Exchanges = recorded
	case errors.As(err, &s):
		r.Status = Skip
		r.Message = s.Reason
	case errors.As(err, &f):
		r.Status = Fail
		if !c.Level.Mandatory() || f.Observation {
			r.Status = Warn
		}
		r.Message, r.Want, r.Got, r.Fix = f.Message, f.Want, f.Got, f.Fix
		r.Attachments = append(r.Attachments, f.Attachments...)
		r.Exchanges = withPrior(f.Exchanges, recorded)
	default:
		r.Status = Error
		r.Message = err.Error()
		r.Exchanges = recorded
	}
}

// maxPrior bounds the exchanges a failure keeps from before its evidence.
const maxPrior = 20

// withPrior is the evidence of a failure with what led to it: the
// exchanges the check recorded up to the last one the failure names (both
// redemptions of a code used twice, the request that obtained the token a
// resource refused), at most maxPrior of them before it, after the
// evidence recorded elsewhere. Without evidence, the whole recording. The
// exchanges sent the same way (the same note, or the same method and URL)
// are numbered, so that the first redemption of a code is not taken for
// the second.
func withPrior(evidence, recorded []httpx.Exchange) []httpx.Exchange {
	if len(evidence) == 0 {
		return recorded
	}
	last := -1
	inRecording := make([]bool, len(evidence))
	for i, ex := range evidence {
		for j := len(recorded) - 1; j >= 0; j-- {
			// The latest of alike exchanges: a replay repeats a request.
			if sameExchange(ex, recorded[j]) {
				inRecording[i] = true
				last = max(last, j)
				break
			}
		}
	}
	if last < 0 {
		return evidence
	}
	var out []httpx.Exchange
	for i, ex := range evidence {
		if !inRecording[i] {
			out = append(out, ex)
		}
	}
	out = append(out, recorded[max(0, last-maxPrior):last+1]...)
	return numberAlike(out)
}

func sameExchange(a, b httpx.Exchange) bool {
	if a.Note != b.Note || a.DurationMS != b.DurationMS || a.Error != b.Error || a.Request.Method != b.Request.Method ||
		a.Request.URL != b.Request.URL || a.Request.Body != b.Request.Body || (a.Response == nil) != (b.Response == nil) {
		return false
	}
	return a.Response == nil || a.Response.Status == b.Response.Status && a.Response.Body == b.Response.Body
}

// numberAlike returns exs with the exchanges sent the same way numbered in
// their notes: "token request (1 of 2)", "token request (2 of 2)". The
// exchanges are copies: results share the exchanges of shared fixtures.
func numberAlike(exs []httpx.Exchange) []httpx.Exchange {
	kind := func(ex httpx.Exchange) string {
		if ex.Note != "" {
			return ex.Note
		}
		u := ex.Request.URL
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		return ex.Request.Method + " " + u
	}
	total := map[string]int{}
	for _, ex := range exs {
		total[kind(ex)]++
	}
	seen := map[string]int{}
	out := make([]httpx.Exchange, len(exs))
	for i, ex := range exs {
		k := kind(ex)
		if total[k] > 1 {
			seen[k]++
			label := fmt.Sprintf("%d of %d", seen[k], total[k])
			if ex.Note != "" {
				ex.Note += " (" + label + ")"
			} else {
				ex.Note = label
			}
		}
		out[i] = ex
	}
	return out
}

// unanswered says why err, a check's verdict, rests on a request that got
// no answer ("" when it does not): a transport error in its chain, or a
// failure whose evidence is such a request (its own exchanges, or the last
// of the check's recording when it names none).
func unanswered(err error, recorded []httpx.Exchange) string {
	if te := httpx.AsTransport(err); te != nil {
		msg := err.Error()
		if !strings.Contains(msg, te.Error()) {
			msg += " (" + te.Error() + ")"
		}
		return "no answer from the target: " + msg
	}
	var f *Failure
	if !errors.As(err, &f) {
		return ""
	}
	evidence := f.Exchanges
	if len(evidence) == 0 && len(recorded) > 0 {
		evidence = recorded[len(recorded)-1:]
	}
	for _, ex := range evidence {
		if ex.Error != "" {
			return "the check cannot judge: " + ex.Request.Method + " " + ex.Request.URL + " got no answer (" + ex.Error + "); it concluded: " + f.Error()
		}
	}
	return ""
}

// Redact applies redact to every text the result carries: its message,
// want, got and fix lines, its log, its exchanges (URLs, headers, bodies,
// errors, notes) and its attachments (names, text, and data that is text).
// Exchanges and attachments are copied, never changed in place: results of
// several checks share the exchanges of shared fixtures.
func (r *Result) Redact(redact func(string) string) {
	r.Message, r.Want, r.Got, r.Fix = redact(r.Message), redact(r.Want), redact(r.Got), redact(r.Fix)
	if len(r.Log) > 0 {
		log := make([]string, len(r.Log))
		for i, l := range r.Log {
			log[i] = redact(l)
		}
		r.Log = log
	}
	if len(r.Exchanges) > 0 {
		exs := make([]httpx.Exchange, len(r.Exchanges))
		for i, ex := range r.Exchanges {
			exs[i] = ex.Redacted(redact)
		}
		r.Exchanges = exs
	}
	if len(r.Attachments) > 0 {
		atts := make([]Attachment, len(r.Attachments))
		for i, a := range r.Attachments {
			a.Name, a.Text, a.Path = redact(a.Name), redact(a.Text), redact(a.Path)
			if isText(a.ContentType) && len(a.Data) > 0 {
				a.Data = []byte(redact(string(a.Data)))
			}
			atts[i] = a
		}
		r.Attachments = atts
	}
}

func isText(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "json") || strings.Contains(contentType, "xml")
}
