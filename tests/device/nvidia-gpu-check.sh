#!/bin/bash
# Device check for the nvidia builtin: a classic launch with a tiny base
# that has no NVIDIA library, so nvidia-smi inside can only work through
# what nvidia() mounted at /var/lib/snapd/lib/gl.
# Run as root on a machine with an NVIDIA GPU and driver, from the repository
# root, after `CGO_ENABLED=0 go build -o confine ./cmd/confine` (or set
# CONFINE=path). Never part of CI. It works in a throwaway mount namespace:
# /snap and /run/confine are tmpfs there; it creates /var/snap and
# /var/lib/snapd on the host if they are missing.
set -u
B=$(readlink -f "${CONFINE:-./confine}")
echo "== host"; uname -r; cat /sys/module/nvidia/version 2>/dev/null; command -v nvidia-smi; nvidia-smi -L 2>&1 | head -3
SMI=$(command -v nvidia-smi || echo /usr/bin/nvidia-smi)
unshare -m --propagation private bash -s "$B" "$SMI" <<'INNER'
set -u
B=$1; SMI=$2
mount --make-rshared /
mkdir -p /run/confine /snap && mount -t tmpfs -o mode=755 tmpfs /run/confine && mount -t tmpfs -o mode=755 tmpfs /snap
mkdir -p /var/snap /var/lib/snapd
base=/snap/core/current; mkdir -p $base
mkdir -p $base/usr/bin $base/usr/lib $base/usr/lib64 $base/usr/sbin $base/usr/src
ln -s usr/bin $base/bin; ln -s usr/lib $base/lib; ln -s usr/lib64 $base/lib64; ln -s usr/sbin $base/sbin
for d in dev etc home root proc sys tmp run media mnt snap var/snap var/lib/snapd var/tmp var/log var/lib/extrausers; do mkdir -p $base/$d; done
for bin in /bin/sh /usr/bin/env /usr/bin/findmnt /usr/bin/ls /usr/bin/cat /usr/bin/head /usr/bin/wc /usr/bin/grep "$SMI"; do
  cp -L $bin $base/usr/bin/ 2>/dev/null
  for lib in $(ldd $bin 2>/dev/null | grep -o '/[^ ]*' ); do cp -L --parents $lib $base/ 2>/dev/null; done
done
echo "== base has nvidia libs? (must be none)"; find $base -name 'libnvidia*' -o -name 'libcuda*' | head
echo "== plan (nvidia ops)"; $B plan --profile classic | grep -n -E 'snapd/lib|nvidia' | head -20
echo "== run"
$B run --profile classic demo -- /usr/bin/sh -c '
  echo "-- gl farm:"; ls /var/lib/snapd/lib/gl | head -8; echo "($(ls /var/lib/snapd/lib/gl | wc -l) entries)"
  echo "-- findmnt:"; findmnt -no TARGET,FSTYPE,OPTIONS /var/lib/snapd/lib/gl
  echo "-- nvidia-smi without the farm:"; nvidia-smi -L 2>&1 | head -2
  echo "-- nvidia-smi with LD_LIBRARY_PATH=/var/lib/snapd/lib/gl:"; LD_LIBRARY_PATH=/var/lib/snapd/lib/gl nvidia-smi -L 2>&1 | head -3
  LD_LIBRARY_PATH=/var/lib/snapd/lib/gl LD_DEBUG=libs nvidia-smi -L 2>&1 | grep -E "calling init: .*nvidia-ml" | head -2'
echo "rc=$?"
$B discard demo; echo "discard rc=$?"
INNER
