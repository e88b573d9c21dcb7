package shippedtest

import (
	"os"
	"path"
	"testing"

	"golang.org/x/sys/unix"
)

// platform describes a host that a shipped profile is written for, as
// far as the profile can tell: os-release, whether /usr is merged, where
// snaps are mounted, and a few paths snapd hosts have.
type platform struct {
	osRelease string
	mergedUsr bool
	snapDir   string   // /snap or /var/lib/snapd/snap
	dirs      []string // extra directories of the host
	writable  bool     // an all-snap host's /writable (a tmpfs here)
}

var (
	ubuntuClassic = platform{
		osRelease: "ID=ubuntu\nVERSION_ID=\"18.04\"\n",
		snapDir:   "/snap",
		dirs:      []string{"/media", "/run/netns"},
	}
	ubuntuCore = platform{
		osRelease: "ID=ubuntu-core\nVERSION_ID=\"16\"\n",
		snapDir:   "/snap",
		dirs:      []string{"/media", "/run/netns"},
		writable:  true,
	}
	fedora = platform{
		osRelease: "ID=fedora\nVERSION_ID=40\n",
		mergedUsr: true,
		snapDir:   "/var/lib/snapd/snap",
		dirs:      []string{"/run/media"},
	}
)

// hostDirs are the directories every platform's root holds: the top
// level and the host paths of snapd's mount list.
var hostDirs = []string{
	"/boot", "/dev", "/etc", "/etc/alternatives", "/etc/apparmor", "/etc/apparmor.d", "/etc/ssl",
	"/home", "/mnt", "/opt", "/proc", "/root", "/run", "/srv", "/sys", "/tmp",
	"/usr", "/usr/bin", "/usr/lib", "/usr/lib64", "/usr/sbin", "/usr/src",
	"/var", "/var/lib", "/var/lib/snapd", "/var/log", "/var/snap", "/var/tmp",
}

// baseDirs is the core snap's tree as far as a mount namespace touches
// it (hosts/fixtures/snap-core.tree).
var baseDirs = []string{
	"/bin", "/boot", "/dev", "/etc", "/etc/alternatives", "/etc/apparmor", "/etc/apparmor.d", "/etc/ssl",
	"/home", "/lib", "/lib/firmware", "/lib/modules", "/lib64", "/media", "/meta", "/mnt", "/opt",
	"/proc", "/root", "/run", "/sbin", "/snap", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib",
	"/usr/src", "/var", "/var/lib", "/var/lib/snapd", "/var/lib/snapd/hostfs", "/var/log", "/var/snap",
	"/var/tmp", "/writable",
}

// baseRevision is the mounted revision of the core snap; current links
// to it, as snapd does.
const baseRevision = "16928"

// becomeHost turns this throwaway namespace (the whole test process is
// alone in it, see nstest) into a plausible host for p: a tmpfs root laid
// out like that platform, with proc, sysfs, this machine's /dev (bound
// without its children), tmpfs /run, /tmp and /home, and the core snap
// as a read-only tmpfs standing in for its squashfs. The process
// pivot_roots into it, detaches the old root and makes "/" rshared, as
// systemd leaves a host. Nothing of this reaches this machine: nstest
// made every mount private before the test started, and the new root
// lives in a tmpfs.
func becomeHost(t *testing.T, p platform) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build the host: %s: %v", what, err)
		}
	}
	mount := func(src, dst, fstype string, flags uintptr, data string) {
		t.Helper()
		must("mount "+dst, unix.Mount(src, dst, fstype, flags, data))
	}
	mkdirs := func(root string, dirs []string) {
		t.Helper()
		for _, d := range dirs {
			must("mkdir", os.MkdirAll(root+d, 0o755))
		}
	}
	write := func(name, text string) {
		t.Helper()
		must("write", os.WriteFile(name, []byte(text), 0o644))
	}

	// A tmpfs over this machine's /tmp (inside this namespace only) holds
	// the new root's mount point, so not even a directory is made here.
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777")
	const root = "/tmp/host"
	must("mkdir", os.Mkdir(root, 0o755))
	mount("tmpfs", root, "tmpfs", 0, "mode=0755")
	mkdirs(root, hostDirs)
	mkdirs(root, p.dirs)
	if p.mergedUsr {
		for _, d := range []string{"bin", "lib", "lib64", "sbin"} {
			must("symlink", os.Symlink("usr/"+d, root+"/"+d))
		}
		mkdirs(root, []string{"/usr/lib/modules", "/usr/lib/firmware"})
	} else {
		mkdirs(root, []string{"/bin", "/lib", "/lib/modules", "/lib/firmware", "/lib64", "/sbin"})
	}
	write(root+"/etc/os-release", p.osRelease)
	write(root+"/etc/nsswitch.conf", "passwd: files\n")

	// Fresh proc and sysfs instances, or where a container refuses them
	// (a masked /proc is "too revealing" to mount again), binds of this
	// machine's, without their children.
	pseudo := unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	for _, m := range []struct{ dir, fstype string }{{"/proc", "proc"}, {"/sys", "sysfs"}} {
		if err := unix.Mount(m.fstype, root+m.dir, m.fstype, uintptr(pseudo), ""); err != nil {
			mount(m.dir, root+m.dir, "", unix.MS_BIND, "")
		}
	}
	mount("/dev", root+"/dev", "", unix.MS_BIND, "")
	mount("tmpfs", root+"/run", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755")
	for _, d := range p.dirs {
		if within(d, "/run") {
			must("mkdir", os.MkdirAll(root+d, 0o755))
		}
	}
	mount("tmpfs", root+"/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777")
	mount("tmpfs", root+"/home", "tmpfs", unix.MS_NODEV, "mode=0755")
	if p.writable {
		must("mkdir", os.Mkdir(root+"/writable", 0o755))
		mount("tmpfs", root+"/writable", "tmpfs", 0, "mode=0755")
	}

	// The core snap: populated, then made read-only like its squashfs.
	rev := root + p.snapDir + "/core/" + baseRevision
	must("mkdir", os.MkdirAll(rev, 0o755))
	must("symlink", os.Symlink(baseRevision, path.Dir(rev)+"/current"))
	mount("/dev/loop0", rev, "tmpfs", unix.MS_NODEV, "mode=0755")
	mkdirs(rev, baseDirs)
	write(rev+"/etc/nsswitch.conf", "passwd: compat extrausers\n")
	write(rev+"/etc/os-release", "ID=ubuntu-core\n")
	write(rev+"/meta/snap.yaml", "name: core\ntype: os\n")
	mount("none", rev, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NODEV, "")

	must("mkdir", os.Mkdir(root+"/.old", 0o755))
	must("pivot_root", unix.PivotRoot(root, root+"/.old"))
	must("chdir", unix.Chdir("/"))
	must("umount old root", unix.Unmount("/.old", unix.MNT_DETACH))
	must("rmdir", os.Remove("/.old"))
	mount("none", "/", "", unix.MS_REC|unix.MS_SHARED, "")
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || len(p) > len(dir) && p[:len(dir)] == dir && p[len(dir)] == '/'
}
