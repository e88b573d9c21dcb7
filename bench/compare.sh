#!/bin/sh
# compare.sh: app-start latency of confine run against its floor, bwrap(1)
# and nsenter(1), as root, in ONE run of alternating rounds (bench/alternate).
# Not part of CI; run it on demand on a quiet machine:
#
#   sudo bench/compare.sh [ROUNDS]      (default 100)
#
# Results go to bench/out/compare.md and .json (ignored by git).
#
# What is timed (each launch execs true(1)):
#   floor          bench/floor replaying the default profile's lowered
#                  system calls (made ahead of time by bench/floorgen):
#                  unshare, the same mounts, exec; static Go, no checks
#   confine-cold   confine-launch run with no preserved namespace
#                  (discarded before each run, untimed); the program comes
#                  from the cache, as on every start after the first.
#                  confine-launch is confine's launcher alone (run,
#                  discard), the binary to install for app starts
#   bwrap          bwrap --dev-bind / / --tmpfs /tmp: the closest bwrap
#                  layout (the host's root, a private /tmp)
#   confine-warm   confine-launch run joining the preserved namespace
#   joinfloor      bench/joinfloor: a static Go binary that only opens the
#                  preserved namespace, setns and execs: the floor of a
#                  warm launch in Go (nsenter's work plus Go's start-up)
#   nsenter        nsenter --mount=<the preserved namespace> true
#   confine-plan   confine plan (the whole command line: facts and
#                  evaluation, no cache)
#   start-confine, start-launch
#                  confine version and confine-launch version: what merely
#                  starting each binary costs (Go runtime, package inits)
#   *-N            the same three cold launches with N = 10, 50, 200,
#                  1000 extra read-only binds of /usr under /tmp (confine:
#                  the default profile plus mkdir, bind and remount ro per
#                  bind; bwrap: N --ro-bind; floor: confine's calls)
#
# Everything runs inside a throwaway mount namespace whose /run, /tmp and
# /var/lib are fresh tmpfs mounts, so nothing reaches this machine.
# Binaries are built static (CGO_ENABLED=0), as the README documents.
set -eu
rounds=${1:-100}
here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
mkdir -p "$out"
[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (it mounts, in a throwaway namespace)" >&2; exit 2; }
for tool in bwrap nsenter unshare; do
	command -v $tool >/dev/null || { echo "compare.sh: $tool is not installed" >&2; exit 2; }
done
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(
	cd "$here/.."
	CGO_ENABLED=0 go build -o "$bin/confine" ./cmd/confine
	CGO_ENABLED=0 go build -o "$bin/confine-launch" ./cmd/confine-launch
	CGO_ENABLED=0 go build -o "$bin/floor" ./bench/floor
	CGO_ENABLED=0 go build -o "$bin/joinfloor" ./bench/joinfloor
	go build -o "$bin/floorgen" ./bench/floorgen
	go build -o "$bin/alternate" ./bench/alternate
	cp profiles/default.star "$bin/default.star"
)
unshare --mount --propagation private -- sh -eu -c '
	bin=$1 out=$2 rounds=$3
	mount -t tmpfs tmpfs /run
	mkdir /run/bin /run/bench
	cp "$bin"/confine "$bin"/confine-launch "$bin"/floor "$bin"/joinfloor "$bin"/floorgen "$bin"/alternate "$bin"/default.star /run/bin/
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /var/lib
	b=/run/bin c=/run/bin/confine l=/run/bin/confine-launch w=/run/bench
	t=$(command -v true)
	spec=$w/spec
	$c plan --snap cold --json | $b/floorgen >$w/default.calls
	$l run cold -- $t && $l run warm -- $t
	{
		printf "run\tfloor\t-\t%s\n" "$b/floor $w/default.calls $t"
		printf "run\tconfine-cold\t%s\t%s\n" "$l discard cold" "$l run cold -- $t"
		printf "run\tbwrap\t-\t%s\n" "bwrap --dev-bind / / --tmpfs /tmp $t"
		printf "run\tconfine-warm\t-\t%s\n" "$l run warm -- $t"
		printf "run\tjoinfloor\t-\t%s\n" "$b/joinfloor /run/confine/ns/warm.mnt $t"
		printf "run\tnsenter\t-\t%s\n" "nsenter --mount=/run/confine/ns/warm.mnt $t"
		printf "run\tconfine-plan\t-\t%s\n" "$c plan --snap cold"
		printf "run\tstart-confine\t-\t%s\n" "$c version"
		printf "run\tstart-launch\t-\t%s\n" "$l version"
	} >$spec
	for n in 10 50 200 1000; do
		d=$w/scale$n
		mkdir $d
		{
			cat $b/default.star
			printf "\ndef extra_binds():\n    for i in range(%d):\n" $n
			printf "        d = \"/tmp/b%%d\" %% i\n        mkdir(d)\n        bind(\"/usr\", d)\n        remount(d, \"ro\")\n\nextra_binds()\n"
		} >$d/p.star
		$c plan --profile $d/p.star --snap s$n --json | $b/floorgen >$d/calls
		args=""
		i=0
		while [ $i -lt $n ]; do args="$args --ro-bind /usr /tmp/b$i"; i=$((i + 1)); done
		$l run --profile $d/p.star s$n -- $t
		printf "run\tfloor-%d\t-\t%s\n" $n "$b/floor $d/calls $t" >>$spec
		printf "run\tconfine-cold-%d\t%s\t%s\n" $n "$l discard s$n" "$l run --profile $d/p.star s$n -- $t" >>$spec
		printf "run\tbwrap-%d\t-\t%s\n" $n "bwrap --dev-bind / / --tmpfs /tmp$args $t" >>$spec
	done
	{
		printf "ratio\tconfine-cold\tfloor\nratio\tconfine-cold\tbwrap\nratio\tfloor\tbwrap\n"
		printf "ratio\tconfine-warm\tnsenter\nratio\tconfine-warm\tjoinfloor\nratio\tjoinfloor\tnsenter\n"
		for n in 10 50 200 1000; do
			printf "ratio\tconfine-cold-%d\tfloor-%d\nratio\tbwrap-%d\tconfine-cold-%d\n" $n $n $n $n
		done
	} >>$spec
	$b/alternate -r "$rounds" -json "$out/compare.json" $spec
' sh "$bin" "$out" "$rounds" | tee "$out/compare.md"
echo "machine: $(nproc) cores, kernel $(uname -r), load $(cut -d" " -f1-3 /proc/loadavg)" | tee -a "$out/compare.md"
