package startest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"go.starlark.net/starlark"

	"confine/sim"
)

// testContext is the value t handed to each test function. Assertions
// record a failure at the caller's file:line and return, so one run
// reports every broken expectation of a test.
type testContext struct {
	env      *env
	name     string
	failures []string
}

var _ starlark.HasAttrs = (*testContext)(nil)

func (t *testContext) String() string        { return "<test " + t.name + ">" }
func (t *testContext) Type() string          { return "test" }
func (t *testContext) Freeze()               {}
func (t *testContext) Truth() starlark.Bool  { return true }
func (t *testContext) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: test") }

var contextMethods = map[string]func(t *testContext, thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error){
	"eq":       (*testContext).eq,
	"true":     (*testContext).isTrue,
	"contains": (*testContext).contains,
	"fails":    (*testContext).fails,
	"simulate": (*testContext).simulate,
}

func (t *testContext) Attr(name string) (starlark.Value, error) {
	if name == "name" {
		return starlark.String(t.name), nil
	}
	m, ok := contextMethods[name]
	if !ok {
		return nil, nil
	}
	return starlark.NewBuiltin("t."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return m(t, thread, b, args, kwargs)
	}), nil
}

func (t *testContext) AttrNames() []string {
	names := []string{"name"}
	for n := range contextMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fail records a failure at the position of the assertion's caller. When
// the assertion sits in a loaded module (a contract of
// @stdlib//contracts.star), the line of the test file that called into it
// comes first: "merged-usr_test.star:18 > @stdlib//contracts.star:50".
func (t *testContext) fail(thread *starlark.Thread, b *starlark.Builtin, msg, detail string) {
	pos := thread.CallFrame(1).Pos
	where := fmt.Sprintf("%s:%d", pos.Filename(), pos.Line)
	if pos.Filename() != t.env.display {
		stack := thread.CallStack()
		for i := len(stack) - 1; i >= 0; i-- {
			if p := stack[i].Pos; p.Filename() == t.env.display {
				where = fmt.Sprintf("%s:%d > %s", p.Filename(), p.Line, where)
				break
			}
		}
	}
	text := fmt.Sprintf("%s: %s", where, b.Name())
	if msg != "" {
		text += ": " + msg
	}
	text += "\n"
	if detail != "" {
		text += "    " + strings.ReplaceAll(strings.TrimRight(detail, "\n"), "\n", "\n    ") + "\n"
	}
	t.failures = append(t.failures, text)
}

// eq(got, want, msg="") fails unless got == want; for two multi-line
// strings it shows a diff.
func (t *testContext) eq(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var got, want starlark.Value
	var msg string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "got", &got, "want", &want, "msg?", &msg); err != nil {
		return nil, err
	}
	ok, err := starlark.Equal(got, want)
	if err != nil {
		return nil, err
	}
	if !ok {
		gs, gok := got.(starlark.String)
		ws, wok := want.(starlark.String)
		if gok && wok && (strings.Contains(string(gs), "\n") || strings.Contains(string(ws), "\n")) {
			d := diff.Diff("want", []byte(ws), "got", []byte(gs))
			t.fail(thread, b, msg, "got and want differ:\n"+string(d))
		} else {
			t.fail(thread, b, msg, fmt.Sprintf("got %s, want %s", got, want))
		}
	}
	return starlark.None, nil
}

// true(cond, msg="") fails unless cond is truthy.
func (t *testContext) isTrue(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var cond starlark.Value
	var msg string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "cond", &cond, "msg?", &msg); err != nil {
		return nil, err
	}
	if !cond.Truth() {
		t.fail(thread, b, msg, fmt.Sprintf("got %s, want a true value", cond))
	}
	return starlark.None, nil
}

// contains(container, elem, msg="") fails unless elem is in container
// (a substring of a string, an element of a list or tuple, a key of a
// dict), as Starlark's "in" decides.
func (t *testContext) contains(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var container, elem starlark.Value
	var msg string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "container", &container, "elem", &elem, "msg?", &msg); err != nil {
		return nil, err
	}
	in, err := starlark.Binary(syntaxIn, elem, container)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if !in.Truth() {
		t.fail(thread, b, msg, fmt.Sprintf("%s does not contain %s", container, elem))
	}
	return starlark.None, nil
}

// fails(fn, pattern) calls fn() and fails unless it raises an error
// whose message matches the regular expression pattern.
func (t *testContext) fails(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fn starlark.Callable
	var pattern string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "fn", &fn, "pattern", &pattern); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	_, callErr := starlark.Call(thread, fn, nil, nil)
	switch {
	case callErr == nil:
		t.fail(thread, b, "", fmt.Sprintf("%s succeeded, want an error matching %q", fn.Name(), pattern))
	case !re.MatchString(message(callErr)):
		t.fail(thread, b, "", fmt.Sprintf("error %q does not match %q", message(callErr), pattern))
	}
	return starlark.None, nil
}

func message(err error) string {
	if ee, ok := err.(*starlark.EvalError); ok {
		return ee.Msg
	}
	return err.Error()
}

// simulate(profile, host="ubuntu-classic", facts={}) evaluates profile
// with host's facts (overridden by facts) and runs its program on the
// fake kernel. A program that fails is an error (use t.fails to expect
// one).
func (t *testContext) simulate(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var profile string
	host := ""
	var factsDict *starlark.Dict
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "profile", &profile, "host?", &host, "facts?", &factsDict); err != nil {
		return nil, err
	}
	if host == "" {
		host = DefaultHost(profile)
	}
	overrides := map[string]string{}
	if factsDict != nil {
		for _, item := range factsDict.Items() {
			k, ok := starlark.AsString(item[0])
			if !ok {
				return nil, fmt.Errorf("%s: facts: key %s is not a string", b.Name(), item[0])
			}
			v, err := factValue(item[1])
			if err != nil {
				return nil, fmt.Errorf("%s: facts: %s: %w", b.Name(), k, err)
			}
			overrides[k] = v
		}
	}
	p, err := t.env.profile(profile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	h, err := t.env.host(host)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	prog, err := sim.Evaluate(p, t.env.cfg.Stdlib, h, overrides)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	s, err := sim.Run(prog, h, sim.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if s.Err != nil {
		return nil, fmt.Errorf("%s: %s on %s: %w", b.Name(), profile, host, s.Err)
	}
	return &namespace{sim: s, profile: profile, host: host}, nil
}

// factValue turns a Starlark value into the text facts.Set parses.
func factValue(v starlark.Value) (string, error) {
	switch v := v.(type) {
	case starlark.String:
		return string(v), nil
	case starlark.Bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case starlark.Int:
		return v.String(), nil
	}
	return "", fmt.Errorf("got %s, want a string, bool or int", v.Type())
}

// DefaultHost is the fixture a profile is simulated on when a test names
// none: the distribution the profile is written for.
func DefaultHost(profile string) string {
	switch profile {
	case "core":
		return "ubuntu-core"
	case "merged-usr":
		return "fedora"
	}
	return "ubuntu-classic"
}
