package facts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeKey is AppendKey's inverse, written against Fields rather than
// the struct: it returns the keys in the order they were encoded and the
// Facts rebuilt from them. That every Facts decodes back to itself is
// what makes the encoding unambiguous.
func decodeKey(enc []byte) ([]string, Facts, error) {
	var f Facts
	fields := map[string]reflect.Value{}
	for _, fl := range f.Fields() {
		fields[fl.Key] = fl.Value
	}
	if !bytes.HasPrefix(enc, []byte(keyMagic)) {
		return nil, f, errors.New("no magic")
	}
	d := enc[len(keyMagic):]
	uint := func() (int, error) {
		n, k := binary.Uvarint(d)
		if k <= 0 || n > uint64(len(d)) {
			return 0, errors.New("bad length")
		}
		d = d[k:]
		return int(n), nil
	}
	str := func() (string, error) {
		n, err := uint()
		if err != nil || n > len(d) {
			return "", errors.New("bad string")
		}
		s := string(d[:n])
		d = d[n:]
		return s, nil
	}
	var keys []string
	for len(d) > 0 {
		key, err := str()
		if err != nil || len(d) == 0 {
			return nil, f, fmt.Errorf("after %v: truncated key", keys)
		}
		keys = append(keys, key)
		v, ok := fields[key]
		if !ok {
			return nil, f, fmt.Errorf("unknown key %q", key)
		}
		tag := d[0]
		d = d[1:]
		switch {
		case tag == keyBool && v.Kind() == reflect.Bool && len(d) > 0 && d[0] <= 1:
			v.SetBool(d[0] == 1)
			d = d[1:]
		case tag == keyString && v.Kind() == reflect.String:
			s, err := str()
			if err != nil {
				return nil, f, fmt.Errorf("%s: %v", key, err)
			}
			v.SetString(s)
		case (tag == keyStrings || tag == keyEntries) && v.Kind() == reflect.Slice:
			n, err := uint()
			if err != nil {
				return nil, f, fmt.Errorf("%s: %v", key, err)
			}
			if n == 0 {
				continue // nil
			}
			n--
			list := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				elem := list.Index(i)
				if tag == keyStrings {
					if elem.SetString(mustStr(&err, str)); err != nil {
						return nil, f, fmt.Errorf("%s[%d]: %v", key, i, err)
					}
					continue
				}
				e := Entry{Name: mustStr(&err, str), Type: mustStr(&err, str), Target: mustStr(&err, str)}
				if err != nil {
					return nil, f, fmt.Errorf("%s[%d]: %v", key, i, err)
				}
				elem.Set(reflect.ValueOf(e))
			}
			v.Set(list)
		default:
			return nil, f, fmt.Errorf("%s: tag %q does not fit a %s", key, tag, v.Kind())
		}
	}
	return keys, f, nil
}

// mustStr calls next unless an earlier call failed, keeping the first error.
func mustStr(err *error, next func() (string, error)) string {
	if *err != nil {
		return ""
	}
	s, e := next()
	*err = e
	return s
}

// fullFacts sets every leaf of Fields to a value of its own, so that no
// two leaves hold the same thing.
func fullFacts(t *testing.T) Facts {
	t.Helper()
	var f Facts
	for i, fl := range f.Fields() {
		v := fl.Value
		switch {
		case v.Kind() == reflect.Bool:
			v.SetBool(true)
		case v.Kind() == reflect.String:
			v.SetString(fmt.Sprintf("v%d-%s", i, fl.Key))
		case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
			v.Set(reflect.ValueOf([]string{fl.Key, "", fmt.Sprint(i)}).Convert(v.Type()))
		case v.Type() == reflect.TypeOf([]Entry{}):
			v.Set(reflect.ValueOf([]Entry{{fl.Key, "dir", ""}, {"l", "symlink", fmt.Sprint(i)}}))
		default:
			t.Fatalf("fact %s: AppendKey's tests do not know its type %s; teach both", fl.Key, v.Type())
		}
	}
	return f
}

// TestAppendKeyCoversEveryFact: the encoding names every leaf of Fields,
// in Fields' order, and decodes back to the facts it came from.
func TestAppendKeyCoversEveryFact(t *testing.T) {
	for _, f := range []Facts{{}, fullFacts(t), {Classic: true, HostPaths: []string{"/a", "/b"}, RootEntries: []Entry{{"bin", "symlink", "usr/bin"}}},
		{HostPaths: []string{}, BaseEntries: []Entry{}, NVIDIA: NVIDIA{GL: []string{}}}} {
		keys, got, err := decodeKey(f.AppendKey(nil))
		if err != nil {
			t.Fatalf("decoding AppendKey(%v): %v", f.List(), err)
		}
		var want []string
		for _, fl := range f.Fields() {
			want = append(want, fl.Key)
		}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("AppendKey's keys differ from Fields' (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(f, got); diff != "" {
			t.Errorf("AppendKey does not decode back to its facts (-want +got):\n%s", diff)
		}
	}
}

// TestEveryExportedFieldIsAFact: Fields, and so AppendKey, must see every
// exported field; the JSON the key used to hash saw them all.
func TestEveryExportedFieldIsAFact(t *testing.T) {
	var check func(t reflect.Type, where string)
	check = func(typ reflect.Type, where string) {
		for i := 0; i < typ.NumField(); i++ {
			sf := typ.Field(i)
			if !sf.IsExported() {
				continue
			}
			if name, ok := sf.Tag.Lookup("fact"); !ok || name == "" || name == "-" {
				t.Errorf("%s.%s has no fact tag: AppendKey would leave it out of the cache key", where, sf.Name)
			}
			if ft := sf.Type; ft.Kind() == reflect.Struct {
				check(ft, where+"."+sf.Name)
			} else if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
				check(ft.Elem(), where+"."+sf.Name+"[]")
			}
		}
	}
	check(reflect.TypeOf(Facts{}), "Facts")
}

// TestAppendKeyChangesWithEachFact: changing any one leaf changes the
// encoding, and no two leaves' changes encode alike.
func TestAppendKeyChangesWithEachFact(t *testing.T) {
	full := fullFacts(t)
	seen := map[string]string{string(new(Facts).AppendKey(nil)): "nothing"}
	for _, fl := range new(Facts).Fields() {
		var f Facts
		// Copy one leaf of the fully set facts into the zero facts.
		for _, src := range full.Fields() {
			if src.Key == fl.Key {
				for _, dst := range f.Fields() {
					if dst.Key == fl.Key {
						dst.Value.Set(src.Value)
					}
				}
			}
		}
		enc := string(f.AppendKey(nil))
		if other, ok := seen[enc]; ok {
			t.Errorf("setting %s: got the same encoding as setting %s", fl.Key, other)
		}
		seen[enc] = fl.Key
	}
}

// TestAppendKeyUnambiguous: facts that differ only in where a separator
// or a boundary falls encode differently, and so do a nil and an empty
// list, which the JSON the key used to hash told apart.
func TestAppendKeyUnambiguous(t *testing.T) {
	for _, test := range []struct {
		name string
		a, b Facts
		same bool
	}{
		{"list split", Facts{HostPaths: []string{"/a", "/b"}}, Facts{HostPaths: []string{"/a,/b"}}, false},
		{"list join", Facts{HostPaths: []string{"/a", "/b"}}, Facts{HostPaths: []string{"/a/b"}}, false},
		{"empty element", Facts{HostPaths: []string{""}}, Facts{}, false},
		{"value moves to the next field", Facts{Distro: "a"}, Facts{DistroVariant: "a"}, false},
		{"boundary between fields", Facts{Base: "ab", BaseDir: ""}, Facts{Base: "a", BaseDir: "b"}, false},
		{"entry fields shift", Facts{RootEntries: []Entry{{"a", "symlink", "b"}}}, Facts{RootEntries: []Entry{{"a", "symlinkb", ""}}}, false},
		{"entry vs list", Facts{BaseEntries: []Entry{{"a", "", ""}}}, Facts{BasePaths: []string{"a"}}, false},
		{"nested vs top level", Facts{NVIDIA: NVIDIA{Version: "1"}}, Facts{DistroVersion: "1"}, false},
		{"bool", Facts{Classic: true}, Facts{MergedUsr: true}, false},
		{"nul inside a value", Facts{SnapName: "a\x00b"}, Facts{SnapName: "a"}, false},
		{"nil and empty list", Facts{HostPaths: nil}, Facts{HostPaths: []string{}}, false},
		{"nil and empty entries", Facts{RootEntries: nil}, Facts{RootEntries: []Entry{}}, false},
		{"same facts", Facts{Distro: "x", HostPaths: []string{"/a"}}, Facts{Distro: "x", HostPaths: []string{"/a"}}, true},
	} {
		a, b := test.a.AppendKey(nil), test.b.AppendKey(nil)
		if got := bytes.Equal(a, b); got != test.same {
			t.Errorf("%s: got equal encodings = %t, want %t", test.name, got, test.same)
		}
	}
}

// TestAppendKeyAppends: the encoding goes after what dst holds.
func TestAppendKeyAppends(t *testing.T) {
	f := Facts{Distro: "debian"}
	got := f.AppendKey([]byte("prefix:"))
	if want := "prefix:" + string(f.AppendKey(nil)); string(got) != want {
		t.Errorf("AppendKey([]byte(\"prefix:\")): got %q, want %q", got, want)
	}
}

// FuzzAppendKey checks that facts set from arbitrary strings decode back
// from their encoding.
func FuzzAppendKey(f *testing.F) {
	f.Add("ubuntu", "/a,/b", "x\x00y", "")
	f.Add("", ",", "", "1.2")
	f.Fuzz(func(t *testing.T, distro, paths, snap, version string) {
		var facts Facts
		facts.Distro, facts.SnapName, facts.NVIDIA.Version = distro, snap, version
		if paths != "" {
			facts.HostPaths = strings.Split(paths, ",")
		}
		_, got, err := decodeKey(facts.AppendKey(nil))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(facts, got); diff != "" {
			t.Errorf("AppendKey does not decode back (-want +got):\n%s", diff)
		}
	})
}
