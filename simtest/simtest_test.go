package simtest

import (
	"strings"
	"testing"
)

func TestClassicMedia(t *testing.T) {
	ns := Simulate(t, "classic", "ubuntu-classic")
	ns.HostMount("/media/usb")
	if !ns.SnapSees("/media/usb") {
		t.Errorf("SnapSees(/media/usb) = false, want true: /media is bidirectional")
	}
	ns.SnapMount("/run/fromsnap")
	if ns.HostSees("/run/fromsnap") {
		t.Errorf("HostSees(/run/fromsnap) = true, want false: /run flows host -> snap only")
	}
	if got, want := ns.Propagation("/media"), "shared"; got != want {
		t.Errorf("Propagation(/media) = %q, want %q", got, want)
	}
	if !ns.Visible("/var/lib/snapd/hostfs/etc") {
		t.Errorf("Visible(/var/lib/snapd/hostfs/etc) = false, want true: the old root is there")
	}
	if x := ns.Explain("/media"); !strings.Contains(x, "both ways") {
		t.Errorf("Explain(/media) does not say it propagates both ways:\n%s", x)
	}
}

func TestSnapNameFact(t *testing.T) {
	ns := Simulate(t, "core", "ubuntu-core", "snap_name=hello")
	if got, want := ns.MountAt("/tmp").Root, "/snap-private-tmp/snap.hello/tmp"; got != want {
		t.Errorf("root of /tmp with snap_name=hello: got %q, want %q", got, want)
	}
}

func TestProfilePath(t *testing.T) {
	ns := Simulate(t, "../startest/testdata/seed-bug.star", "arch")
	ns.SnapMount("/run/media/x")
	if ns.HostSees("/run/media/x") {
		t.Errorf("the seed's bug: HostSees(/run/media/x) = true, want false (/run covered /run/media)")
	}
}
