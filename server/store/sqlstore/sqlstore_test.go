package sqlstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumbered(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"", ""},
		{"WHERE id = ?", "WHERE id = $1"},
		{"VALUES (?, ?, ?)", "VALUES ($1, $2, $3)"},
		{GetClientSQL, "SELECT " + ClientColumns + " FROM clients WHERE id = $1 AND (expires_at = 0 OR expires_at > $2)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Numbered(tc.in), "%q", tc.in)
	}
}

func TestText(t *testing.T) {
	for _, src := range []any{"a\x00b", []byte("a\x00b")} {
		var s string
		require.NoError(t, text{&s}.Scan(src))
		assert.Equal(t, "a\x00b", s)
	}
	s := "left over"
	require.NoError(t, text{&s}.Scan(nil))
	assert.Empty(t, s, "NULL")
	assert.Error(t, text{&s}.Scan(int64(1)))
}

func TestEncoding(t *testing.T) {
	assert.Zero(t, Micros(time.Time{}))
	assert.True(t, FromMicros(0).IsZero())
	at := time.Date(2026, 12, 2, 10, 0, 0, 123456789, time.FixedZone("x", 3600))
	got := FromMicros(Micros(at))
	assert.True(t, got.Equal(at.Truncate(time.Microsecond)), "%v", got)
	assert.Equal(t, time.UTC, got.Location())

	assert.Nil(t, Blob(nil))
	assert.Nil(t, Blob([]byte{}))
	assert.NotNil(t, Bytes(""), "never NULL")

	for _, list := range [][]string{nil, {}, {"a"}, {"a", "b"}} {
		enc, err := encodeList(list)
		require.NoError(t, err)
		dec, err := decodeList(enc)
		require.NoError(t, err)
		if len(list) == 0 {
			assert.Nil(t, dec, "an empty list comes back nil")
		} else {
			assert.Equal(t, list, dec)
		}
	}
}
