#!/bin/sh
# compare.sh: app-start latency of confine against bare exec, unshare(1)
# and bwrap(1), with hyperfine, as root. Results go to bench/out/
# (hyperfine's markdown and JSON; the directory is ignored by git).
#
#   sudo bench/compare.sh [RUNS]
#
# Everything runs inside a throwaway mount namespace whose /run, /tmp and
# /var/lib are fresh tmpfs mounts, so the launches' state directory,
# private /tmp and hostfs never reach this machine. The Go benchmarks
# (go test ./bench -bench .) measure the same launches without hyperfine.
set -eu
runs=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "compare.sh: hyperfine is not installed" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (it mounts, in a throwaway namespace)" >&2; exit 2; }
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
(cd "$here/.." && go build -o "$bin/confine" ./cmd/confine)
unshare --mount --propagation private -- sh -eu -c '
	bin=$1 out=$2 runs=$3
	mount -t tmpfs tmpfs /run
	mkdir /run/bin && cp "$bin/confine" /run/bin/confine
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /var/lib
	c=/run/bin/confine
	t=$(command -v true)
	$c run joined -- "$t"
	set -- "$t" "unshare -m $t" "$c version" "$c plan --snap joined" "$c run joined -- $t"
	command -v bwrap >/dev/null && set -- "$@" "bwrap --ro-bind / / $t"
	hyperfine -N -w 10 -r "$runs" --export-markdown "$out/launch.md" --export-json "$out/launch.json" "$@"
' sh "$bin" "$out" "$runs"
