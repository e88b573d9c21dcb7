// Package sim simulates a profile's program on the fake kernel, for
// profile authors and test writers: it starts the fake from a host
// (package hosts), unshares the snap's mount namespace from the host's,
// runs every op with the executor (the snap's command is never run), and
// then answers questions about both namespaces: what is mounted at a
// path, how it propagates, whether a mount made on one side appears on
// the other, and which op of the profile is responsible for what a path
// shows (provenance).
//
// Provenance is recorded while the program runs: the executor announces
// each op on its trace writer before running it, and at each such
// boundary the recorder attributes the mounts that appeared, vanished or
// changed propagation to the op that just ran. The fake kernel notes
// which mounts each call may have changed (fake.Tracker), so recording an
// op costs what it changed, not the size of the table, and simulating a
// program grows linearly with its ops. The real launcher records nothing.
//
// Nothing here touches the real kernel or the real file system: a "live"
// host is read through a copy-on-write layer (see package hosts).
package sim
