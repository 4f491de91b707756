package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const schemaPath = "../docs/report-schema.json"

// The module has no JSON Schema validator among its dependencies (and this
// package must not add one), so the test carries a small one: the subset of
// JSON Schema 2020-12 that docs/report-schema.json uses. A keyword it does
// not know is an error, so the schema cannot quietly rely on one that is
// not checked.

type schemaValidator struct {
	root map[string]any
	errs []string
}

var annotationKeywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true, "title": true, "description": true,
	"examples": true, "default": true, "contentMediaType": true,
}

func (v *schemaValidator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *schemaValidator) resolve(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil
	}
	defs, _ := v.root["$defs"].(map[string]any)
	s, _ := defs[name].(map[string]any)
	return s
}

func jsonType(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", x)
}

func typeMatches(want, have string) bool {
	return want == have || (want == "number" && have == "integer")
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func (v *schemaValidator) validate(schema map[string]any, x any, path string) {
	for kw, arg := range schema {
		switch kw {
		case "$ref":
			target := v.resolve(arg.(string))
			if target == nil {
				v.errorf(path, "unresolvable $ref %v", arg)
				continue
			}
			v.validate(target, x, path)
		case "type":
			have := jsonType(x)
			ok := false
			switch t := arg.(type) {
			case string:
				ok = typeMatches(t, have)
			case []any:
				for _, w := range t {
					ok = ok || typeMatches(w.(string), have)
				}
			}
			if !ok {
				v.errorf(path, "type %s, want %v", have, arg)
			}
		case "enum":
			ok := false
			for _, e := range arg.([]any) {
				ok = ok || jsonEqual(e, x)
			}
			if !ok {
				v.errorf(path, "%v is not one of %v", x, arg)
			}
		case "const":
			if !jsonEqual(arg, x) {
				v.errorf(path, "%v, want const %v", x, arg)
			}
		case "minimum":
			if n, ok := x.(json.Number); ok {
				f, _ := n.Float64()
				m, _ := arg.(json.Number).Float64()
				if f < m {
					v.errorf(path, "%v is below the minimum %v", n, m)
				}
			}
		case "format":
			if s, ok := x.(string); ok && arg == "date-time" {
				if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
					v.errorf(path, "not a date-time: %v", err)
				}
			}
		case "contentEncoding":
			if s, ok := x.(string); ok && arg == "base64" {
				if _, err := base64.StdEncoding.DecodeString(s); err != nil {
					v.errorf(path, "not base64: %v", err)
				}
			}
		case "required":
			if obj, ok := x.(map[string]any); ok {
				for _, k := range arg.([]any) {
					if _, has := obj[k.(string)]; !has {
						v.errorf(path, "missing required %q", k)
					}
				}
			}
		case "properties":
			if obj, ok := x.(map[string]any); ok {
				for k, sub := range arg.(map[string]any) {
					if val, has := obj[k]; has {
						v.validate(sub.(map[string]any), val, path+"."+k)
					}
				}
			}
		case "additionalProperties":
			obj, ok := x.(map[string]any)
			if !ok {
				continue
			}
			props, _ := schema["properties"].(map[string]any)
			for k, val := range obj {
				if _, declared := props[k]; declared {
					continue
				}
				switch a := arg.(type) {
				case bool:
					if !a {
						v.errorf(path, "unexpected property %q", k)
					}
				case map[string]any:
					v.validate(a, val, path+"."+k)
				}
			}
		case "items":
			if arr, ok := x.([]any); ok {
				for i, item := range arr {
					v.validate(arg.(map[string]any), item, fmt.Sprintf("%s[%d]", path, i))
				}
			}
		default:
			if !annotationKeywords[kw] {
				v.errorf(path, "schema keyword %q is not supported by this test's validator", kw)
			}
		}
	}
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	require.NoError(t, dec.Decode(&x))
	return x
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	require.NoError(t, err)
	s, ok := decodeJSON(t, b).(map[string]any)
	require.True(t, ok)
	require.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	return s
}

func validateReport(t *testing.T, schema map[string]any, doc any) []string {
	v := &schemaValidator{root: schema}
	v.validate(schema, doc, "$")
	sort.Strings(v.errs)
	return v.errs
}

func TestSchema_GoldenReportValidates(t *testing.T) {
	schema := loadSchema(t)
	b, err := os.ReadFile(goldenFiles[FormatJSON])
	require.NoError(t, err)
	assert.Empty(t, validateReport(t, schema, decodeJSON(t, b)))

	// Also a report with nothing optional, and nil slices that Go writes as null.
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, &Report{Schema: SchemaVersion, Tool: "authspec"}))
	assert.Empty(t, validateReport(t, schema, decodeJSON(t, buf.Bytes())))
	buf.Reset()
	require.NoError(t, WriteJSON(&buf, hostileEverywhere()))
	errs := validateReport(t, schema, decodeJSON(t, buf.Bytes()))
	assert.NotEmpty(t, errs, "hostile levels and statuses are outside the enums")
	for _, e := range errs {
		assert.Regexp(t, `\.(level|status|started): `, e)
	}
}

// TestSchema_RejectsBrokenReports shows that the validator is not vacuous.
func TestSchema_RejectsBrokenReports(t *testing.T) {
	schema := loadSchema(t)
	golden, err := os.ReadFile(goldenFiles[FormatJSON])
	require.NoError(t, err)
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
		want   string
	}{
		{"bad status", func(d map[string]any) { result(d, 0)["status"] = "BOGUS" }, `$.results[0].status: BOGUS is not one of`},
		{"bad level", func(d map[string]any) { result(d, 0)["level"] = "MUSTN'T" }, `$.results[0].level: MUSTN'T is not one of`},
		{"unknown key", func(d map[string]any) { d["extra"] = 1 }, `$: unexpected property "extra"`},
		{"missing key", func(d map[string]any) { delete(result(d, 1), "id") }, `$.results[1]: missing required "id"`},
		{"bad exchange", func(d map[string]any) {
			ex := result(d, 1)["exchanges"].([]any)[0].(map[string]any)
			ex["response"].(map[string]any)["status"] = "200"
		}, `$.results[1].exchanges[0].response.status: type string, want integer`},
		{"bad header", func(d map[string]any) {
			ex := result(d, 1)["exchanges"].([]any)[0].(map[string]any)
			ex["request"].(map[string]any)["headers"].(map[string]any)["X"] = "not a list"
		}, `$.results[1].exchanges[0].request.headers.X: type string, want [array null]`},
		{"bad time", func(d map[string]any) { d["started"] = "yesterday" }, `$.started: not a date-time`},
		{"negative count", func(d map[string]any) { d["summary"].(map[string]any)["pass"] = json.Number("-1") }, `$.summary.pass: -1 is below the minimum`},
		{"wrong tool", func(d map[string]any) { d["tool"] = "h2spec" }, `$.tool: h2spec, want const authspec`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decodeJSON(t, golden).(map[string]any)
			tt.mutate(doc)
			errs := validateReport(t, schema, doc)
			require.NotEmpty(t, errs)
			assert.True(t, strings.HasPrefix(errs[0], tt.want), "got %q, want %q", errs, tt.want)
		})
	}
}

func result(doc map[string]any, i int) map[string]any {
	return doc["results"].([]any)[i].(map[string]any)
}

// TestSchema_MatchesGoTypes walks the Go types behind report.json and the
// schema together: every JSON field is a declared property, every declared
// property is a field, a field is required exactly when it is not
// omitempty, and every object forbids additional properties. A field added
// to Report, Result, Exchange or Attachment fails here until the schema
// follows.
func TestSchema_MatchesGoTypes(t *testing.T) {
	schema := loadSchema(t)
	v := &schemaValidator{root: schema}
	checkGoType(t, v, reflect.TypeOf(Report{}), schema, "Report")
}

var timeType = reflect.TypeOf(time.Time{})

func checkGoType(t *testing.T, v *schemaValidator, typ reflect.Type, schema map[string]any, path string) {
	t.Helper()
	if ref, ok := schema["$ref"].(string); ok {
		target := v.resolve(ref)
		require.NotNil(t, target, "%s: $ref %s", path, ref)
		schema = target
	}
	types := schemaTypes(schema)
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch {
	case typ == timeType:
		assert.Equal(t, []string{"string"}, types, path)
		assert.Equal(t, "date-time", schema["format"], path)
	case typ.Kind() == reflect.Struct:
		assert.Equal(t, []string{"object"}, types, path)
		assert.Equal(t, false, schema["additionalProperties"], "%s: additionalProperties must be false", path)
		props, _ := schema["properties"].(map[string]any)
		var required []string
		for _, r := range asSlice(schema["required"]) {
			required = append(required, r.(string))
		}
		var fields, wantRequired []string
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields = append(fields, name)
			if !strings.Contains(opts, "omitempty") {
				wantRequired = append(wantRequired, name)
			}
			sub, ok := props[name].(map[string]any)
			if !assert.True(t, ok, "%s.%s: not in the schema's properties", path, name) {
				continue
			}
			if !strings.Contains(opts, "omitempty") {
				checkNullable(t, f.Type, sub, path+"."+name)
			}
			checkGoType(t, v, f.Type, sub, path+"."+name)
		}
		var declared []string
		for k := range props {
			declared = append(declared, k)
		}
		assert.ElementsMatch(t, fields, declared, "%s: Go fields vs schema properties", path)
		assert.ElementsMatch(t, wantRequired, required, "%s: fields without omitempty vs schema required", path)
	case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Uint8:
		assert.Equal(t, []string{"string"}, types, path)
		assert.Equal(t, "base64", schema["contentEncoding"], path)
	case typ.Kind() == reflect.Slice:
		assert.Contains(t, types, "array", path)
		items, ok := schema["items"].(map[string]any)
		require.True(t, ok, "%s: no items", path)
		checkGoType(t, v, typ.Elem(), items, path+"[]")
	case typ.Kind() == reflect.Map:
		assert.Equal(t, []string{"object"}, types, path)
		ap, ok := schema["additionalProperties"].(map[string]any)
		require.True(t, ok, "%s: a map needs additionalProperties", path)
		checkNullable(t, typ.Elem(), ap, path+"{}")
		checkGoType(t, v, typ.Elem(), ap, path+"{}")
	case typ.Kind() == reflect.String:
		checkScalar(t, schema, types, "string", path)
	case typ.Kind() == reflect.Bool:
		checkScalar(t, schema, types, "boolean", path)
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		checkScalar(t, schema, types, "integer", path)
	default:
		t.Errorf("%s: Go type %s has no rule in this test", path, typ)
	}
}

// checkNullable asserts that the schema allows null where encoding/json
// may write it: a nil slice, map or pointer that is not omitempty.
func checkNullable(t *testing.T, typ reflect.Type, schema map[string]any, path string) {
	t.Helper()
	switch typ.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
	default:
		return
	}
	allowsNull := false
	switch ty := schema["type"].(type) {
	case string:
		allowsNull = ty == "null"
	case []any:
		for _, x := range ty {
			allowsNull = allowsNull || x == "null"
		}
	}
	assert.True(t, allowsNull, "%s: Go writes a nil %s as null; the schema must allow it", path, typ)
}

// checkScalar accepts a schema that says the type, or that constrains the
// value to constants of that type.
func checkScalar(t *testing.T, schema map[string]any, types []string, want, path string) {
	t.Helper()
	if len(types) > 0 {
		assert.Equal(t, []string{want}, types, path)
		return
	}
	values := asSlice(schema["enum"])
	if c, ok := schema["const"]; ok {
		values = append(values, c)
	}
	require.NotEmpty(t, values, "%s: no type, enum or const", path)
	for _, val := range values {
		assert.Equal(t, want, jsonType(val), "%s: constant %v", path, val)
	}
}

// schemaTypes lists the non-null types a schema allows.
func schemaTypes(schema map[string]any) []string {
	var out []string
	switch t := schema["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, x := range t {
			if x != "null" {
				out = append(out, x.(string))
			}
		}
	}
	return out
}

func asSlice(x any) []any { s, _ := x.([]any); return s }
