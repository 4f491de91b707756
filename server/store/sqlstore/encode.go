package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Micros encodes a time as unix microseconds, the zero time as 0.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros decodes Micros, in UTC.
func FromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// Blob binds a hash to a nullable binary column: NULL when empty.
func Blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nilIfEmpty is the decoding side of Blob.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Bytes binds a string to a binary column that is never NULL.
func Bytes(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return []byte(s)
}

// encodeList encodes a string list as a JSON array.
func encodeList(ss []string) (string, error) {
	if len(ss) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ss)
	return string(b), err
}

// decodeList decodes encodeList; an empty list comes back nil, as from the
// memory store.
func decodeList(s string) ([]string, error) {
	var ss []string
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &ss); err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, nil
	}
	return ss, nil
}

// text scans a column bound with Dialect.Text, whichever type the dialect
// gave it, into a string: NULL as "".
type text struct{ p *string }

// Scan implements sql.Scanner, which pgx honours too.
func (t text) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*t.p = v
	case []byte:
		*t.p = string(v)
	case nil:
		*t.p = ""
	default:
		return fmt.Errorf("scan %T into a string", src)
	}
	return nil
}

// Numbered rewrites the ? placeholders of query as $1, $2, ..., for a
// database that numbers them (PostgreSQL). The statements of this package
// hold no other '?'.
func Numbered(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for {
		i := strings.IndexByte(query, '?')
		if i < 0 {
			b.WriteString(query)
			return b.String()
		}
		n++
		b.WriteString(query[:i])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
		query = query[i+1:]
	}
}
