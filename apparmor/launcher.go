package apparmor

// The launcher's own needs, independent of any program: what `confine run`
// does around the ops (reference: snap-confine.md §2.1 and §2.6, and the
// matching parts of snap-confine's policy).

// StateDir is where the launcher keeps its locks and preserved namespaces
// (launch.DefaultStateDir; a test keeps the two equal).
const StateDir = "/run/confine"

// Attachment is the set of executables the generated profile confines.
const Attachment = "/usr/{,local/}bin/confine{,-launch}"

// ProfileName is the name of the generated profile.
const ProfileName = "confine"

// capabilities the launcher uses, with why:
//   - sys_admin: mount(2), umount2(2), pivot_root(2), unshare(2), setns(2);
//   - sys_chroot: setns(2) into a mount namespace also needs it;
//   - dac_override, dac_read_search: reach paths under users' homes and
//     0700 directories while still root;
//   - chown, fowner, fsetid: create root-owned directories with exact
//     modes (sticky /tmp, 0000 hostfs) and fix their owner;
//   - setuid, setgid: drop to the invoking user before exec.
//
// No sys_ptrace: the capture helper is a thread of the launcher itself,
// and a process may always read its own threads' namespace files.
var capabilities = []string{
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"setgid", "setuid", "sys_admin", "sys_chroot",
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
	// The launcher itself, and what it reads about its process and thread
	// (/proc/thread-self is /proc/PID/task/TID).
	file(Attachment, "mr")
	file("/dev/null", "rw")
	file("@{PROC}/@{pid}/mountinfo", "r")
	file("@{PROC}/@{pid}/task/@{tid}/mountinfo", "r")
	file("@{PROC}/@{pid}/ns/mnt", "r")
	file("@{PROC}/@{pid}/task/@{tid}/ns/mnt", "r")
	file("@{PROC}/@{pid}/fd/", "r")
	file("@{PROC}/sys/kernel/osrelease", "r")
	// The Go runtime sizes huge pages from this at start.
	file("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r")
	// Facts, gathered on every launch (package facts): os-release, the
	// host's and the base's top levels, the snap mount directory (a
	// symlink is read), and the NVIDIA driver's version, loader
	// configuration and library directories. All of it is read-only and
	// world-readable anyway.
	file("/", "r")
	file("/{etc,usr/lib}/os-release", "r")
	file("/{,var/lib/snapd/}snap", "r")
	file("/{,var/lib/snapd/}snap/**", "r")
	file("/sys/module/nvidia/version", "r")
	file("/etc/ld.so.conf", "r")
	file("/etc/ld.so.conf.d/{,*}", "r")
	file("/usr/{lib,lib32,lib64}/", "r")
	file("/usr/{lib,lib32,lib64}/**", "r")
	file("/usr/share/{vulkan,glvnd}/**", "r")
	// confine run --profile PATH (root only) reads the profile and the
	// modules it loads from beside it.
	file("/**.star", "r")
	// --user NAME: os/user reads the databases itself (no NSS modules).
	file("/etc/passwd", "r")
	file("/etc/group", "r")
	// State: per-snap locks (flock(2) needs k), preserved namespaces and
	// their .info files.
	file(StateDir+"/", "rw")
	file(StateDir+"/**", "rwk")
	// The namespace directory is made a private mount point of its own so
	// that captured namespaces neither propagate nor receive (LP #1803542).
	mount([]string{"rw", "bind"}, StateDir+"/ns/", StateDir+"/ns/")
	mount([]string{"rw", "rbind"}, StateDir+"/ns/", StateDir+"/ns/")
	mount([]string{"rw", "private"}, "", StateDir+"/ns/")
	// Capture: the launching thread steps back into its original
	// namespace (setns) and binds the new namespace's nsfs file, held open
	// as /proc/self/fd/N, onto <state>/ns/SNAP.mnt. snap-confine's policy
	// notes that AppArmor may name the source of such a bind "/" rather
	// than a /proc path; the /proc names are kept for launchers that bind
	// /proc/PID[/task/TID]/ns/mnt. Only onto *.mnt files in the namespace
	// directory.
	mount([]string{"rw", "bind"}, "@{PROC}/@{pid}/task/@{tid}/ns/mnt", StateDir+"/ns/*.mnt")
	mount([]string{"rw", "bind"}, "@{PROC}/@{pid}/ns/mnt", StateDir+"/ns/*.mnt")
	mount([]string{"rw", "bind"}, "/", StateDir+"/ns/*.mnt")
	// Discard: detach a preserved namespace, and the namespace
	// directory's own self-bind with the last one.
	rules = append(rules, Rule{Class: Umount, Target: StateDir + "/ns/*.mnt"})
	rules = append(rules, Rule{Class: Umount, Target: StateDir + "/ns/"})
	// The scratch directory: mkdtemp(3) before the program, rmdir after.
	file(ScratchGlob+"/", "rw")
	// Exec the snap's command after dropping privileges: under its own
	// profile if one is loaded for it, unconfined otherwise.
	file("/**", "pux")
	return rules
}
