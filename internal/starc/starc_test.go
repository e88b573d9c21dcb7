package starc

import (
	"strings"
	"testing"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

func unit() Unit {
	return Unit{
		Dialect:     &syntax.FileOptions{},
		Name:        "m.star",
		Src:         []byte("def f(x):\n    return g(x) + 1\nY = f(1)\n"),
		Predeclared: []string{"g", "h"},
	}
}

func predeclared() starlark.StringDict {
	g := starlark.NewBuiltin("g", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		return args[0], nil
	})
	return starlark.StringDict{"g": g, "h": starlark.None}
}

// TestKeyCoversInputs changes one input at a time: each must change the
// key, or a program compiled from other inputs could be run.
func TestKeyCoversInputs(t *testing.T) {
	base := KeyOf(unit(), "v1")
	for _, test := range []struct {
		name    string
		change  func(*Unit)
		version string
	}{
		{"source", func(u *Unit) { u.Src = append(u.Src, ' ') }, "v1"},
		{"name", func(u *Unit) { u.Name = "@stdlib//m.star" }, "v1"},
		{"dialect", func(u *Unit) { u.Dialect = &syntax.FileOptions{Recursion: true} }, "v1"},
		{"predeclared", func(u *Unit) { u.Predeclared = []string{"g"} }, "v1"},
		{"predeclared split", func(u *Unit) { u.Predeclared = []string{"gh"} }, "v1"},
		{"starlark version", func(*Unit) {}, "v2"},
	} {
		u := unit()
		test.change(&u)
		if KeyOf(u, test.version) == base {
			t.Errorf("%s: got the same key, want a different one", test.name)
		}
	}
	shuffled := unit()
	shuffled.Predeclared = []string{"h", "g"}
	if KeyOf(shuffled, "v1") != base {
		t.Errorf("got a different key for the predeclared names in another order, want the same")
	}
	if KeyOf(unit(), "v1") != base {
		t.Errorf("got a different key for the same inputs, want the same")
	}
}

func TestArchiveRoundTrip(t *testing.T) {
	u := unit()
	code, err := Compile(u)
	if err != nil {
		t.Fatal(err)
	}
	k := KeyOf(u, "v1")
	other := Key{1}
	data := Archive("v1", []Entry{{Key: k, Code: code}, {Key: other, Code: []byte("x")}})
	if again := Archive("v1", []Entry{{Key: other, Code: []byte("x")}, {Key: k, Code: code}}); string(again) != string(data) {
		t.Errorf("got different archives for the same entries in another order, want the same bytes")
	}
	version, index, err := parseArchive(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if version != "v1" || len(index) != 2 || index[k] != string(code) || index[other] != "x" {
		t.Errorf("got version %q and %d entries, want v1 and the 2 written", version, len(index))
	}
}

func TestParseArchiveCorrupt(t *testing.T) {
	good := string(Archive("v1", []Entry{{Key: Key{1}, Code: []byte("code")}}))
	for _, test := range []struct {
		name, data string
	}{
		{"empty", ""},
		{"no magic", "!sky" + good},
		{"truncated version", good[:len(archiveMagic)+1]},
		{"truncated entry", good[:len(good)-1]},
		{"trailing bytes", good + "x"},
		{"huge count", archiveMagic + "\x00\xff\xff\xff\xff\x0f"},
		{"overlong varint", archiveMagic + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
	} {
		if _, _, err := parseArchive(test.data); err == nil {
			t.Errorf("%s: got no error, want one", test.name)
		}
	}
}

// register adds an archive for the test only.
func register(t *testing.T, data string) {
	t.Helper()
	mu.Lock()
	saved := archives
	archives = append(append([]*archive(nil), archives...), &archive{data: data})
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		archives = saved
		mu.Unlock()
	})
}

func TestExec(t *testing.T) {
	u := unit()
	code, err := Compile(u)
	if err != nil {
		t.Fatal(err)
	}
	// The test binary records no go.starlark.net version: the archive's
	// is used.
	register(t, string(Archive("v1", []Entry{{Key: KeyOf(u, "v1"), Code: code}})))
	if Lookup(u) == nil {
		t.Fatal("Lookup: got nil, want the archived program")
	}
	changed := u
	changed.Src = []byte("Y = 5\n")
	if Lookup(changed) != nil {
		t.Error("Lookup of other source: got a program, want nil")
	}
	for _, on := range []bool{true, false} {
		prev := SetEnabled(on)
		g, err := Exec(u.Dialect, &starlark.Thread{}, u.Name, u.Src, predeclared())
		SetEnabled(prev)
		if err != nil {
			t.Fatal(err)
		}
		if got := g["Y"]; got == nil || got.String() != "2" {
			t.Errorf("enabled %v: got Y = %v, want 2", on, got)
		}
		if _, err := starlark.Call(&starlark.Thread{}, g["f"], starlark.Tuple{starlark.MakeInt(1)}, nil); err != nil {
			t.Errorf("enabled %v: f(1): %v", on, err)
		}
	}
	if !strings.Contains(Lookup(u).Filename(), "m.star") {
		t.Errorf("got filename %q, want m.star", Lookup(u).Filename())
	}
}

func TestLookupBadBlob(t *testing.T) {
	u := unit()
	register(t, string(Archive("v1", []Entry{{Key: KeyOf(u, "v1"), Code: []byte("!sky not bytecode")}})))
	register(t, "not an archive")
	if Lookup(u) != nil {
		t.Error("got a program from a corrupt blob, want nil (parse instead)")
	}
	g, err := Exec(u.Dialect, &starlark.Thread{}, u.Name, u.Src, predeclared())
	if err != nil || g["Y"].String() != "2" {
		t.Errorf("Exec with a corrupt blob: got %v, %v, want Y = 2 parsed", g["Y"], err)
	}
}

// TestExecFrozen: ExecFileOptions freezes a module's globals; Exec must.
func TestExecFrozen(t *testing.T) {
	u := unit()
	u.Src = []byte("L = []\n")
	u.Predeclared = nil
	code, err := Compile(u)
	if err != nil {
		t.Fatal(err)
	}
	register(t, string(Archive("v1", []Entry{{Key: KeyOf(u, "v1"), Code: code}})))
	g, err := Exec(u.Dialect, &starlark.Thread{}, u.Name, u.Src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g["L"].(*starlark.List).Append(starlark.None); err == nil {
		t.Error("got a mutable global, want it frozen")
	}
}

func TestFormatVersion(t *testing.T) {
	if formatVersion() == 0 {
		t.Error("got compiled-format version 0, want the one go.starlark.net writes")
	}
}
