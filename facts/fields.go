package facts

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Field is one leaf fact: its dotted key and the reflect.Value holding it.
type Field struct {
	Key   string
	Value reflect.Value
}

// Fields returns the leaf facts of f in key order: one per bool, int,
// string, []string or []struct field, nested structs flattened into
// dotted keys (nvidia.version). It is what List, Set and the conversion to
// Starlark are built on.
func (f *Facts) Fields() []Field {
	var out []Field
	walk(reflect.ValueOf(f).Elem(), "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// walk appends the tagged leaves of the struct v, prefixing keys.
func walk(v reflect.Value, prefix string, out *[]Field) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, ok := t.Field(i).Tag.Lookup("fact")
		if !ok || name == "" || name == "-" {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct {
			if fv.IsNil() {
				continue // nothing to list or set
			}
			fv = fv.Elem()
		}
		if fv.Kind() == reflect.Struct {
			walk(fv, prefix+name+".", out)
			continue
		}
		*out = append(*out, Field{Key: prefix + name, Value: fv})
	}
}

// Keys returns the valid keys for Set, sorted.
func (f *Facts) Keys() []string {
	var keys []string
	for _, fl := range f.Fields() {
		if settable(fl.Value) {
			keys = append(keys, fl.Key)
		}
	}
	return keys
}

// settable reports whether a leaf can be set from a command-line string.
func settable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.Uint32, reflect.String:
		return true
	case reflect.Slice:
		return v.Type().Elem().Kind() == reflect.String
	}
	return false
}

// Set overrides one fact from its command-line form, as --fact key=value
// does: bools take true/false (strconv.ParseBool), ints a decimal, and
// []string a comma-separated list ("" is the empty list). Unknown keys
// are an error that lists the valid ones.
func (f *Facts) Set(key, value string) error {
	for _, fl := range f.Fields() {
		if fl.Key != key {
			continue
		}
		v := fl.Value
		switch v.Kind() {
		case reflect.Bool:
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("fact %s: got %q, want true or false", key, value)
			}
			v.SetBool(b)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return fmt.Errorf("fact %s: got %q, want a decimal integer", key, value)
			}
			v.SetInt(n)
		case reflect.Uint32:
			n, err := strconv.ParseUint(value, 10, 32)
			if err != nil {
				return fmt.Errorf("fact %s: got %q, want a non-negative integer", key, value)
			}
			v.SetUint(n)
		case reflect.String:
			v.SetString(value)
		case reflect.Slice:
			if v.Type().Elem().Kind() != reflect.String {
				return fmt.Errorf("fact %s: cannot be set from the command line (use --facts-root)", key)
			}
			var list []string
			if value != "" {
				list = strings.Split(value, ",")
			}
			v.Set(reflect.ValueOf(list).Convert(v.Type()))
		default:
			return fmt.Errorf("fact %s: cannot be set from the command line", key)
		}
		return nil
	}
	return fmt.Errorf("unknown fact %q (valid: %s)", key, strings.Join(f.Keys(), ", "))
}

// SetPair is Set for one "key=value" string, the --fact syntax.
func (f *Facts) SetPair(kv string) error {
	key, value, ok := strings.Cut(kv, "=")
	if !ok || key == "" {
		return fmt.Errorf("fact %q: want KEY=VALUE", kv)
	}
	return f.Set(key, value)
}

// List renders every fact as a "key=value" line, sorted by key: the form
// plan.Program.Facts records. Lists are comma-separated; entries of a
// list of structs are their fields joined by ":" (name:type:target);
// values that would break a line are quoted.
func (f Facts) List() []string {
	fields := f.Fields()
	lines := make([]string, 0, len(fields))
	for _, fl := range fields {
		lines = append(lines, fl.Key+"="+quoteIfNeeded(render(fl.Value)))
	}
	return lines
}

// render formats a leaf value for List.
func render(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return render(v.Elem())
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = render(v.Index(i))
		}
		return strings.Join(parts, ",")
	case reflect.Struct:
		var parts []string
		for i := 0; i < v.NumField(); i++ {
			if _, ok := v.Type().Field(i).Tag.Lookup("fact"); ok {
				parts = append(parts, render(v.Field(i)))
			}
		}
		return strings.TrimRight(strings.Join(parts, ":"), ":")
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	}
	// fmt's first use in a process costs more than the rest of List:
	// the kinds facts hold are written above without it.
	return fmt.Sprint(v.Interface())
}

// quoteIfNeeded quotes values holding spaces, quotes or control
// characters, so that every fact stays on one line.
func quoteIfNeeded(s string) string {
	for _, r := range s {
		if r <= ' ' || r == '"' || r == 0x7f || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
