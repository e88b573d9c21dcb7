package sim

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Probes are the events of a propagation contract: after the program ran,
// one side mounts (or unmounts) something, and the test asks whether the
// other side sees it. A probe is a tmpfs whose source names its side and
// a counter ("probe-host-3"), so that a mount that arrived by propagation
// is told apart from one that was there already.

// probePrefix starts the source of every probe mount.
const probePrefix = "probe-"

// ProbeMount makes a directory at p on side (and its missing parents) and
// mounts a fresh tmpfs there, as a user on that side would. Where p
// cannot be made because its file system is read-only (a squashfs /usr),
// the probe is stacked on the nearest existing ancestor instead, and Sees
// looks there for it. It returns the probe's source name.
func (s *Sim) ProbeMount(side Side, p string) (string, error) {
	if err := checkPath(p); err != nil {
		return "", err
	}
	proc := s.proc(side)
	point := p
	if err := mkdirAll(proc, p); errors.Is(err, unix.EROFS) {
		for point = path.Dir(p); point != "/"; point = path.Dir(point) {
			if _, err := proc.Lstat(point); err == nil {
				break
			}
		}
	} else if err != nil {
		return "", fmt.Errorf("%s: mkdir %s: %w", side, p, err)
	}
	s.probes++
	source := fmt.Sprintf("%s%s-%d", probePrefix, side, s.probes)
	if err := proc.Mount(source, point, "tmpfs", 0, ""); err != nil {
		return "", fmt.Errorf("%s: mount -t tmpfs %s %s: %w", side, source, point, err)
	}
	if s.stacked == nil {
		s.stacked = map[string]string{}
	}
	if point != p {
		s.stacked[side.String()+":"+p] = point
	}
	return source, nil
}

// ProbeUmount unmounts the topmost mount at p on side (umount(8) without
// options).
func (s *Sim) ProbeUmount(side Side, p string) error {
	if err := checkPath(p); err != nil {
		return err
	}
	if err := s.proc(side).Unmount(p, 0); err != nil {
		return fmt.Errorf("%s: umount %s: %w", side, p, err)
	}
	return nil
}

// Sees reports whether side has a probe mount made on the other side at
// exactly p (what p resolves to is a probe that came by propagation).
func (s *Sim) Sees(side Side, p string) (bool, error) {
	if err := checkPath(p); err != nil {
		return false, err
	}
	other := Host
	if side == Host {
		other = Snap
	}
	if point, ok := s.stacked[other.String()+":"+p]; ok {
		p = point
	}
	e, ok := mountAt(s.proc(side), p)
	if !ok {
		return false, nil
	}
	return strings.HasPrefix(e.Source, probePrefix+other.String()+"-") && e.FSType == "tmpfs", nil
}

// mkdirAll is mkdir -p through proc.
func mkdirAll(proc interface {
	Mkdir(string, uint32) error
}, p string) error {
	if p == "/" {
		return nil
	}
	if err := mkdirAll(proc, path.Dir(p)); err != nil {
		return err
	}
	if err := proc.Mkdir(p, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return nil
}

// Leaks mounts a probe in every mount of the snap's namespace (in a new
// directory, or stacked on the mount where that cannot be made), except
// at or below the allowed paths, and returns the host's mount points
// where any probe the snap made arrived, except at or below allowed.
// Nothing the snap mounts may reach the host outside its bidirectional
// paths; an empty result is that contract kept. Mounts that refuse a
// probe (a file, a filesystem that rejects it) are skipped.
func (s *Sim) Leaks(allowed []string) ([]string, error) {
	for _, p := range allowed {
		if err := checkPath(p); err != nil {
			return nil, err
		}
	}
	isAllowed := func(p string) bool {
		for _, a := range allowed {
			if within(p, a) {
				return true
			}
		}
		return false
	}
	table, err := s.Table(Snap)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range table {
		if isAllowed(e.Point) || seen[e.Point] {
			continue
		}
		seen[e.Point] = true
		if st, err := s.SnapProc.Lstat(e.Point); err != nil || !st.IsDir() {
			continue
		}
		s.ProbeMount(Snap, path.Join(e.Point, ".confine-leak"))
	}
	host, err := s.Table(Host)
	if err != nil {
		return nil, err
	}
	var leaks []string
	for _, e := range host {
		if strings.HasPrefix(e.Source, probePrefix+Snap.String()+"-") && !isAllowed(e.Point) {
			leaks = append(leaks, e.Point)
		}
	}
	return leaks, nil
}
