// Package bench measures what an app start costs with confine: the pure
// steps (gathering facts, evaluating a profile, generating policy) and,
// as root, whole launches of the real binary against the same command run
// bare, under unshare(1) and under bwrap(1).
//
// Run everything with
//
//	go test ./bench -run '^$' -bench . -benchtime 200x
//
// (as root for the launch benchmarks; without root they are skipped with
// the reason). README.md records the numbers of the machine they were
// written on.
//
// As root the test binary first re-executes itself inside a throwaway
// mount namespace (unshare --mount --propagation private) whose /run,
// /tmp and /var/lib are fresh tmpfs mounts: a launch creates
// /run/confine, the private /tmp of the snap and, on a host without
// snapd, /var/lib/snapd/hostfs, and none of that may reach the machine.
// The parent checks that the host's mount table is unchanged afterwards.
//
// There are no timing assertions here: speed is measured, never asserted.
package bench
