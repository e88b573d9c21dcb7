// Package apparmor derives the AppArmor policy that the confine launcher
// itself needs from the mount programs it will execute.
//
// snap-confine ships a hand-written policy (snap-confine.apparmor.in) with
// one rule per mount(2), umount2(2) and pivot_root(2) call of its
// bootstrap, and it has to be edited by hand whenever the C code changes.
// confine's programs are data, so the rules can be computed instead: Rules
// turns every op of a program into the rule that permits exactly that call,
// with the mount flags the executor passes (executor.Lower) as option
// words, execution-time values (the mkdtemp scratch directory, the snap's
// name) widened into globs, and /lib, /bin and friends widened to
// {,usr/}lib because the kernel mediates paths after following a merged
// /usr's symlinks. A Policy merges the rules of many programs
// (every shipped profile on every platform) into one profile for the
// launcher binary, so that a single installed policy fits every host.
//
// The package also holds a small matcher for AppArmor's glob syntax, so
// that tests can check, without a kernel, that the concrete calls of a
// program are allowed by the policy generated from it.
//
// Generating a policy touches nothing on the system. Parse runs the real
// apparmor_parser (without loading anything into the kernel) so that tests
// can prove the output is accepted.
package apparmor
