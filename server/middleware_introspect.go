package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The behaviours that reshape introspection responses (RFC 7662 §2.2).
func (s *Server) introspectionRules() []rule {
	return []rule{
		onFault(FaultIntrospectExpString, introspection(func(m map[string]any) {
			if _, ok := m["exp"]; ok {
				for _, k := range []string{"exp", "iat"} {
					n, _ := m[k].(json.Number)
					sec, _ := n.Int64()
					m[k] = time.Unix(sec, 0).UTC().Format(time.RFC3339)
				}
			}
		})),
		onFault(FaultIntrospectInactiveDetail, func(res *response) {
			if res.status != http.StatusOK {
				return
			}
			res.editMembers(func(m map[string]any) {
				if m["active"] == false {
					m["client_id"], m["scope"] = res.form().Get("client_id")+"authspec-leak", s.cfg.DefaultScope
				}
			})
		}),
		onVariant(VariantIntrospectionMinimal, introspection(func(m map[string]any) {
			active := m["active"]
			clear(m)
			m["active"] = active
		})),
		onFault(FaultIntrospectActiveString, introspection(func(m map[string]any) {
			m["active"] = fmt.Sprint(m["active"])
		})),
		// Every token active, whatever the token: nothing else is told.
		onFault(FaultIntrospectAlwaysActive, introspection(func(m map[string]any) {
			clear(m)
			m["active"] = true
		})),
		onFault(FaultIntrospectNotJSON, func(res *response) {
			if res.status == http.StatusOK {
				res.header.Set("Content-Type", "text/plain; charset=utf-8")
			}
		}),
	}
}

// introspection is a rule that changes the members of successful
// introspection responses.
func introspection(edit func(map[string]any)) func(*response) {
	return func(res *response) {
		if res.status == http.StatusOK {
			res.editMembers(edit)
		}
	}
}
