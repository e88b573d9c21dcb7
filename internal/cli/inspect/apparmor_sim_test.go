package inspect

import (
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"

	"confine/apparmor"
	"confine/executor"
	"confine/hosts"
	"confine/internal/cli"
	"confine/kernel"
	"confine/kernel/fake"
	"confine/mountinfo"
)

// recorder is a kernel.Syscalls that notes, before passing each call on,
// the request AppArmor would mediate for it: the paths as the kernel
// resolved them (the executor hands over paths from Resolve, with no
// symlinks left), directories with a trailing slash. A call whose path
// lookup fails never reaches AppArmor, so it is not noted. failed is the
// index in reqs of the first call that failed (-1 while none has): what
// comes after it is the executor's cleanup.
type recorder struct {
	kernel.Syscalls
	reqs   []apparmor.Request
	failed int
}

// name is what AppArmor calls the file at p (a directory gets a slash),
// and whether there is a file there at all.
func (r *recorder) name(p string) (string, bool) {
	st, err := r.Syscalls.Lstat(p)
	if err != nil {
		return p, false
	}
	if st.IsDir() {
		return strings.TrimSuffix(p, "/") + "/", true
	}
	return p, true
}

// note records q when ok, then the outcome of the call.
func (r *recorder) note(q apparmor.Request, ok bool, call func() error) error {
	if ok {
		r.reqs = append(r.reqs, q)
	}
	err := call()
	if err != nil && r.failed < 0 {
		r.failed = len(r.reqs) - 1
	}
	return err
}

func (r *recorder) Mount(source, target, fstype string, flags uintptr, data string) error {
	t, ok := r.name(target)
	q := apparmor.Request{Class: apparmor.Mount, Flags: flags, Target: t}
	switch {
	case flags&(unix.MS_BIND|unix.MS_MOVE) != 0 && flags&unix.MS_REMOUNT == 0:
		var sok bool
		q.Source, sok = r.name(source)
		ok = ok && sok
	case flags&(unix.MS_REMOUNT|unix.MS_SHARED|unix.MS_SLAVE|unix.MS_PRIVATE|unix.MS_UNBINDABLE) == 0:
		q.Source, q.FSType = source, fstype
	}
	return r.note(q, ok, func() error { return r.Syscalls.Mount(source, target, fstype, flags, data) })
}

func (r *recorder) Unmount(target string, flags int) error {
	t, ok := r.name(target)
	return r.note(apparmor.Request{Class: apparmor.Umount, Target: t}, ok,
		func() error { return r.Syscalls.Unmount(target, flags) })
}

func (r *recorder) PivotRoot(newRoot, putOld string) error {
	n, ok := r.name(newRoot)
	o, ook := r.name(putOld)
	return r.note(apparmor.Request{Class: apparmor.PivotRoot, Source: o, Target: n}, ok && ook,
		func() error { return r.Syscalls.PivotRoot(newRoot, putOld) })
}

func (r *recorder) Mkdir(path string, mode uint32) error {
	_, exists := r.name(path)
	return r.note(apparmor.Request{Class: apparmor.File, Target: strings.TrimSuffix(path, "/") + "/", Perms: "w"}, !exists,
		func() error { return r.Syscalls.Mkdir(path, mode) })
}

func (r *recorder) Rmdir(path string) error {
	_, exists := r.name(path)
	return r.note(apparmor.Request{Class: apparmor.File, Target: strings.TrimSuffix(path, "/") + "/", Perms: "w"}, exists,
		func() error { return r.Syscalls.Rmdir(path) })
}

func (r *recorder) Symlink(text, linkpath string) error {
	_, exists := r.name(linkpath)
	return r.note(apparmor.Request{Class: apparmor.File, Target: linkpath, Perms: "w"}, !exists,
		func() error { return r.Syscalls.Symlink(text, linkpath) })
}

func (r *recorder) Chown(path string, uid, gid int) error {
	p, ok := r.name(path)
	return r.note(apparmor.Request{Class: apparmor.File, Target: p, Perms: "w"}, ok,
		func() error { return r.Syscalls.Chown(path, uid, gid) })
}

func (r *recorder) Mkdtemp(template string) (string, error) {
	dir, err := r.Syscalls.Mkdtemp(template)
	if err == nil {
		r.reqs = append(r.reqs, apparmor.Request{Class: apparmor.File, Target: dir + "/", Perms: "w"})
	}
	return dir, err
}

// snapSide returns a process in a new mount namespace of a fake kernel
// seeded with host (its mount table over a writable copy of its files).
func snapSide(t *testing.T, h *hosts.Host) kernel.Syscalls {
	t.Helper()
	tree := afero.NewCopyOnWriteFs(afero.NewReadOnlyFs(h.Files), afero.NewMemMapFs())
	k, err := fake.FromMountinfo(h.Mounts, fake.WithFiles(func(e mountinfo.Entry) afero.Fs {
		return afero.NewBasePathFs(tree, e.Point)
	}))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := k.Init().Unshare()
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestAppArmorPolicyCoversSimulatedCalls runs the shipped profiles on the
// fake kernel, seeded with each platform's host fixture, and checks every
// call the executor makes, with the paths the kernel resolved (symlinks
// of a merged-/usr host or base followed) and each file's real type,
// against the shipped policy. Unlike TestAppArmorPolicyCoversShippedProfiles
// it does not take the program's word for what is a directory.
//
// Only the cases whose base is the fixture's own and that have no NVIDIA
// driver run: the fixtures hold neither another base nor a driver.
func TestAppArmorPolicyCoversSimulatedCalls(t *testing.T) {
	m, cases := allPlatformsMatcher(t)
	ran := 0
	for _, c := range cases {
		if c.layout != "" || (c.facts.Base != "" && c.facts.Base != "core") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(c.host, "host "), ",")
		h, err := hosts.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := cli.EvalProfile(c.profile, c.facts)
		if err != nil {
			t.Fatalf("profile %s (%s): %v", c.profile, c.host, err)
		}
		rec := &recorder{Syscalls: snapSide(t, h), failed: -1}
		if _, err := executor.Execute(prog, rec, executor.Options{}); err != nil {
			// The simulation's own failures are the simulation tests'
			// business; the calls made up to the failure are still checked.
			t.Logf("profile %s (%s): simulation stopped: %v", c.profile, c.host, err)
		}
		if len(rec.reqs) == 0 {
			t.Errorf("profile %s (%s): the executor made no calls", c.profile, c.host)
		}
		for i, q := range rec.reqs {
			// After a failure the executor cleans up. Only its work on
			// the scratch directory must be allowed; the directories it
			// made inside the new root go with the namespace anyway.
			if rec.failed >= 0 && (i == rec.failed || i > rec.failed && !strings.Contains(q.Target, "/snap.rootfs_")) {
				continue
			}
			if !m.Allows(q) {
				t.Errorf("profile %s (%s): policy denies %s", c.profile, c.host, q)
			}
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("no case of the platform matrix could be simulated")
	}
}
