// Package nvidia makes the host's NVIDIA userspace driver visible inside a
// snap, the way snap-confine's mount-support-nvidia.c does, in two pure
// steps:
//
//   - Gather reads what the host has (driver version, library layout,
//     matching libraries, Vulkan and EGL vendor files) relative to a root
//     directory, before any profile is evaluated. It globs only the few
//     directories snap-confine would look at, once per launch.
//   - Expand turns those facts into plan ops that build
//     /var/lib/snapd/lib/{gl,gl32,vulkan,glvnd} under the new root.
//
// The package imports neither Starlark nor golang.org/x/sys: the nvidia
// builtin is a thin wrapper over Expand, and the facts package stores
// Facts as facts.NVIDIA. Reference: snap-confine.md §3.
package nvidia
