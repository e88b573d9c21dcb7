// Package startest runs Starlark tests of profiles: files named
// *_test.star whose test_* functions receive a test context t.
//
//	def test_media_is_bidirectional(t):
//	    ns = t.simulate(profile = "classic", host = "ubuntu-classic")
//	    ns.host_mount("/media/usb")
//	    t.true(ns.snap_sees("/media/usb"), "a stick plugged in on the host shows up in the snap")
//
// t has assertions (eq, true, contains, fails) that record a failure and
// let the test go on, and simulate, which evaluates a profile with a
// host's facts, runs its program on the fake kernel (package sim) and
// returns a namespace value ns to query: visible, mount_at, propagation,
// mounts, explain, and the propagation contracts host_mount, host_umount,
// snap_mount, snap_umount, snap_sees, host_sees.
//
// A test that fails an assertion FAILS; a test that cannot run (a Starlark
// error, an unknown fact, a relative path handed to a query, a profile
// that does not evaluate or whose program fails) is an ERROR. Run reports
// one line per test and the caller turns the counts into an exit status:
// 1 for failures, 2 for errors.
//
// Test files are Starlark in the same strict dialect as profiles, and
// load modules by the same rules: @stdlib//NAME.star and sibling
// NAME.star files, nothing else.
package startest
