package probe

import (
	"strings"
)

// Challenge is one parsed WWW-Authenticate challenge (RFC 9110 §11.6.1).
type Challenge struct {
	Scheme string
	Params map[string]string
	// List holds the auth-params in order, repeats included (Params keeps
	// the last value of a repeated name).
	List []Param
}

// Param is one auth-param as sent: Value is unescaped when Quoted.
type Param struct {
	Name   string
	Value  string
	Quoted bool
}

// Count is how many times the challenge carries the auth-param name.
func (c Challenge) Count(name string) int {
	n := 0
	for _, p := range c.List {
		if p.Name == name {
			n++
		}
	}
	return n
}

// ParseChallenges parses WWW-Authenticate header values leniently: it never
// fails, and returns what it could read. Parameter names are lower-cased.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		s := v
		for {
			s = strings.TrimLeft(s, " ,\t")
			if s == "" {
				break
			}
			// scheme token
			i := strings.IndexAny(s, " \t,")
			if i < 0 {
				out = append(out, Challenge{Scheme: s, Params: map[string]string{}})
				break
			}
			c := Challenge{Scheme: s[:i], Params: map[string]string{}}
			s = s[i:]
			for {
				s = strings.TrimLeft(s, " \t,")
				// auth-param = token BWS "=" BWS ( token / quoted-string )
				end := strings.IndexAny(s, " \t,=")
				if end <= 0 {
					break // the end, a lone token68 or scheme
				}
				rest := strings.TrimLeft(s[end:], " \t")
				if !strings.HasPrefix(rest, "=") {
					break // next challenge or a token68
				}
				name := strings.ToLower(s[:end])
				s = strings.TrimLeft(rest[1:], " \t")
				var val string
				quoted := strings.HasPrefix(s, `"`)
				if quoted {
					var b strings.Builder
					j := 1
					for ; j < len(s); j++ {
						if s[j] == '\\' && j+1 < len(s) {
							j++
							b.WriteByte(s[j])
							continue
						}
						if s[j] == '"' {
							break
						}
						b.WriteByte(s[j])
					}
					val = b.String()
					if j < len(s) {
						j++
					}
					s = s[j:]
				} else {
					k := strings.IndexAny(s, " \t,")
					if k < 0 {
						k = len(s)
					}
					val, s = s[:k], s[k:]
				}
				c.Params[name] = val
				c.List = append(c.List, Param{Name: name, Value: val, Quoted: quoted})
			}
			out = append(out, c)
		}
	}
	return out
}

// Bearer returns the first Bearer challenge, if any.
func Bearer(values []string) (Challenge, bool) {
	for _, c := range ParseChallenges(values) {
		if strings.EqualFold(c.Scheme, "Bearer") {
			return c, true
		}
	}
	return Challenge{}, false
}
