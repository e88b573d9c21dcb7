package launch

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// identity is who the command runs as.
type identity struct {
	drop   bool // false: stay root
	uid    int
	gid    int
	groups []int
}

// chooseIdentity decides the command's user before anything privileged
// happens, from the host's user database (see Privileges in the package
// documentation). Only root may pick another user.
func chooseIdentity(name string) (identity, error) {
	ruid := os.Getuid()
	if name == "" {
		if ruid == 0 {
			return identity{}, nil
		}
		groups, err := os.Getgroups()
		if err != nil {
			return identity{}, fmt.Errorf("cannot read supplementary groups: %w", err)
		}
		return identity{drop: true, uid: ruid, gid: os.Getgid(), groups: groups}, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		if _, numErr := strconv.Atoi(name); numErr == nil {
			u, err = user.LookupId(name)
		}
	}
	if err != nil {
		return identity{}, &UsageError{fmt.Sprintf("unknown user %q", name)}
	}
	id := identity{drop: true}
	id.uid, _ = strconv.Atoi(u.Uid)
	id.gid, _ = strconv.Atoi(u.Gid)
	if ruid != 0 && ruid != id.uid {
		return identity{}, &UsageError{"--user: only root may run a command as another user"}
	}
	gids, err := u.GroupIds()
	if err != nil {
		gids = []string{u.Gid}
	}
	for _, g := range gids {
		if n, err := strconv.Atoi(g); err == nil {
			id.groups = append(id.groups, n)
		}
	}
	return id, nil
}

// apply switches to the identity. setresuid to a non-zero uid clears the
// permitted, effective and ambient capabilities; apply checks that they
// are gone rather than trusting it.
func (id identity) apply() error {
	if !id.drop {
		return nil
	}
	if err := syscall.Setgroups(id.groups); err != nil {
		return fmt.Errorf("cannot set supplementary groups: %w", err)
	}
	if err := syscall.Setresgid(id.gid, id.gid, id.gid); err != nil {
		return fmt.Errorf("cannot set group id %d: %w", id.gid, err)
	}
	if err := syscall.Setresuid(id.uid, id.uid, id.uid); err != nil {
		return fmt.Errorf("cannot set user id %d: %w", id.uid, err)
	}
	if id.uid == 0 {
		return nil
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("cannot read capabilities: %w", err)
	}
	for _, d := range data {
		if d.Effective != 0 || d.Permitted != 0 || d.Inheritable != 0 {
			return fmt.Errorf("cannot drop capabilities: still holding %#x", d.Effective|d.Permitted)
		}
	}
	return nil
}
