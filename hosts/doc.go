// Package hosts holds the machines a simulation starts from: a host's
// mount table (as /proc/self/mountinfo shows it) and its file tree, from
// which the fake kernel (kernel/fake) builds the host's mount namespace.
//
// Four fixtures ship with confine, each a mountinfo capture plus a
// file-tree spec embedded from fixtures/: ubuntu-classic, ubuntu-core,
// fedora and arch. Two more sources come from this machine: "live" (its
// own /proc/self/mountinfo and files, read through a copy-on-write layer
// so that a simulation can never change the host) and a FILE path (a
// captured mountinfo, with the live file tree underneath).
//
// A Host is plain data. It never mounts, never writes to the real file
// system, and the facts a profile sees for it (Host.Facts) are gathered
// from its own tree, so a fixture poses as its distribution on any
// machine.
package hosts
