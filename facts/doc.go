// Package facts gathers the host facts a profile may condition on:
// classic or all-snap, merged /usr, the snap mount directory, the base
// snap and its top-level entries, the distribution, which well-known host
// paths exist, the NVIDIA driver, and so on.
//
// Gathering is plain Go, run once per launch before any Starlark is
// evaluated; it reads a handful of small files and directory entries
// relative to a root directory ("/" normally), so that any machine can
// pose as another host by pointing the root at a copy of its files.
// Profiles see the result as the frozen Starlark value facts, and the
// program records it (List) so that a stale namespace can be detected.
//
// Every fact is a field of Facts (or of a nested struct) carrying a
// `fact:"name"` tag. Listing, overriding (Set) and the conversion to
// Starlark walk those tags by reflection, so adding a fact means adding a
// tagged field and filling it in Gather: nothing else changes. Supported
// field types are bool, int, string, []string, nested structs, and slices
// of structs (read-only from the command line).
package facts
