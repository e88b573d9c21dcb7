package builtins

import (
	"fmt"
	"strconv"
	"strings"

	"confine/facts"
	nv "confine/nvidia"
	"confine/plan"

	"go.starlark.net/starlark"
)

// nvidia(root, base=None, hostfs="/var/lib/snapd/hostfs") records the ops
// that make the host's NVIDIA userspace driver visible under
// /var/lib/snapd/lib/{gl,gl32,vulkan,glvnd} inside the new root, as
// snap-confine's sc_mount_nvidia_driver does (snap-confine.md §3).
//
// root is the new root before pivot_root (scratch_dir() in a bootstrap;
// the call belongs after the hostfs self-bind and before pivot, step 13
// of snap-confine.md §2.3). Call it before pivot(): the legacy layout's
// bind sources are host paths as the host's root names them. base is the snap's base (default
// facts.base): only base "core" sees the host's libglvnd. hostfs is where
// the host's root will be after pivot_root, where the farm's links point.
//
// The ops come from nvidia.Expand over facts.nvidia (gathered before
// evaluation, never by Starlark): nothing when the module is not loaded,
// symlink farms for multiarch, biarch and loader-configured hosts, a
// read-only bind for Ubuntu's legacy /usr/lib/nvidia-<major>. Each op is
// stamped with the position of this call. The facts are read back from the program being
// recorded (plan.Program.Facts), the exact facts the profile is evaluated
// with, so no other thread state is needed.
func nvidia(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var root string
	var base starlark.Value = starlark.None
	hostfs := nv.HostFS
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "root", &root, "base?", &base, "hostfs?", &hostfs); err != nil {
		return nil, err
	}
	if err := checkPath("root", root); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	if err := checkPath("hostfs", hostfs); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	driver, baseName, err := nvidiaFacts(Program(thread).Facts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	switch base := base.(type) {
	case starlark.NoneType:
	case starlark.String:
		baseName = string(base)
	default:
		return nil, fmt.Errorf("%s: for parameter base: got %s, want string or None", b.Name(), base.Type())
	}
	ops, err := nv.Expand(driver, nv.Options{Root: root, Base: baseName, HostFS: hostfs})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Name(), err)
	}
	for _, op := range ops {
		if err := checkNVIDIAOp(op); err != nil {
			return nil, fmt.Errorf("%s: %w", b.Name(), err)
		}
	}
	for _, op := range ops {
		if _, err := record(thread, b, op); err != nil {
			return nil, err
		}
	}
	return starlark.None, nil
}

// nvidiaFacts recovers facts.nvidia and facts.base from the "key=value"
// lines a program records (facts.Facts.List), through facts.Facts.Set so
// that lists parse exactly as --fact overrides do.
func nvidiaFacts(lines []string) (nv.Facts, string, error) {
	var f facts.Facts
	for _, line := range lines {
		key, value, ok := strings.Cut(line, "=")
		if !ok || (key != "base" && !strings.HasPrefix(key, "nvidia.")) {
			continue
		}
		if strings.HasPrefix(value, `"`) {
			if v, err := strconv.Unquote(value); err == nil {
				value = v
			}
		}
		if err := f.Set(key, value); err != nil {
			return nv.Facts{}, "", err
		}
	}
	return f.NVIDIA, f.Base, nil
}

// checkNVIDIAOp holds the expansion to the rules every recorded op obeys;
// its paths come from facts, which --fact can set to anything.
func checkNVIDIAOp(op plan.Op) error {
	if err := checkPath("root", op.Target); err != nil {
		return fmt.Errorf("fact-derived op %q: %w", op.String(), err)
	}
	if op.Source == "" {
		return nil
	}
	if err := checkText("source", op.Source); err != nil {
		return fmt.Errorf("fact-derived op %q: %w", op.String(), err)
	}
	return nil
}
