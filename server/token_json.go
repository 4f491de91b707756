package server

import (
	"encoding/json"
	"strconv"
)

// appendJSON appends r as json.Marshal writes it, without reflection: the
// token response is written on every token request. Strings of printable
// ASCII that JSON writes as they are (tokens, scopes) are copied; any other
// string is encoded by encoding/json.
func (r *TokenResponse) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"access_token":`...)
	if b, err = appendJSONString(b, r.AccessToken); err != nil {
		return nil, err
	}
	if r.TokenType != "" {
		b = append(b, `,"token_type":`...)
		if b, err = appendJSONString(b, r.TokenType); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"expires_in":`...)
	b = strconv.AppendInt(b, r.ExpiresIn, 10)
	if r.RefreshToken != "" {
		b = append(b, `,"refresh_token":`...)
		if b, err = appendJSONString(b, r.RefreshToken); err != nil {
			return nil, err
		}
	}
	if r.Scope != "" {
		b = append(b, `,"scope":`...)
		if b, err = appendJSONString(b, r.Scope); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONString appends v as a JSON string, as encoding/json does.
func appendJSONString(b []byte, v string) ([]byte, error) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			return append(b, q...), nil
		}
	}
	b = append(b, '"')
	b = append(b, v...)
	return append(b, '"'), nil
}
