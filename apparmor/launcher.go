package apparmor

// The launcher's own needs, independent of any program: what `confine run`
// does around the ops (reference: snap-confine.md §2.1 and §2.6, and the
// matching parts of snap-confine's policy).

// StateDir is where the launcher keeps its locks and preserved namespaces.
const StateDir = "/run/confine"

// Attachment is the set of executables the generated profile confines.
const Attachment = "/usr/{,local/}bin/confine"

// ProfileName is the name of the generated profile.
const ProfileName = "confine"

// capabilities the launcher uses, with why:
//   - sys_admin: mount(2), umount2(2), pivot_root(2), unshare(2), setns(2);
//   - sys_chroot: setns(2) into a mount namespace also needs it;
//   - dac_override, dac_read_search: reach paths under users' homes and
//     0700 directories while still root;
//   - chown, fowner, fsetid: create root-owned directories with exact
//     modes (sticky /tmp, 0000 hostfs) and fix their owner;
//   - setuid, setgid: drop to the invoking user before exec;
//   - sys_ptrace: open /proc/PID/ns/mnt of the launcher's own process
//     from the capture helper.
var capabilities = []string{
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"setgid", "setuid", "sys_admin", "sys_chroot", "sys_ptrace",
}

// launcherRules are the rules every launch needs whatever the program.
func launcherRules() []Rule {
	var rules []Rule
	for _, c := range capabilities {
		rules = append(rules, Rule{Class: Capability, Name: c})
	}
	file := func(path, perms string) {
		rules = append(rules, Rule{Class: File, Target: path, Perms: perms})
	}
	mount := func(options []string, source, target string) {
		rules = append(rules, Rule{Class: Mount, Options: options, Source: source, Target: target})
	}
	// The launcher itself, and what it reads about its process.
	file(Attachment, "mr")
	file("@{PROC}/@{pid}/mountinfo", "r")
	file("@{PROC}/@{pid}/ns/mnt", "r")
	file("@{PROC}/sys/kernel/osrelease", "r")
	file("/dev/null", "rw")
	// State: per-snap locks (flock(2) needs k) and preserved namespaces.
	file(StateDir+"/", "rw")
	file(StateDir+"/**", "rwk")
	// The namespace directory is made a private mount point of its own so
	// that captured namespaces neither propagate nor receive (LP #1803542).
	mount([]string{"rw", "bind"}, StateDir+"/ns/", StateDir+"/ns/")
	mount([]string{"rw", "rbind"}, StateDir+"/ns/", StateDir+"/ns/")
	mount([]string{"rw", "private"}, "", StateDir+"/ns/")
	// Capture: bind the new namespace's nsfs file onto /run/confine/ns/SNAP.mnt
	// from a helper left in the original namespace. The kernel names the
	// source by its /proc path.
	mount([]string{"rw", "bind"}, "@{PROC}/@{pid}/ns/mnt", StateDir+"/ns/*.mnt")
	// Discard: detach a preserved namespace.
	rules = append(rules, Rule{Class: Umount, Target: StateDir + "/ns/*.mnt"})
	// The scratch directory: mkdtemp(3) before the program, rmdir after.
	file(ScratchGlob+"/", "rw")
	// Exec the snap's command after dropping privileges: under its own
	// profile if one is loaded for it, unconfined otherwise.
	file("/**", "pux")
	return rules
}
