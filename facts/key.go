package facts

import "encoding/binary"

// keyMagic starts every AppendKey encoding; bump its number whenever the
// encoding changes, so that no two versions can read alike.
const keyMagic = "confine facts key 2\x00"

// Value tags of the AppendKey encoding, one per kind of leaf.
const (
	keyBool    = 'b'
	keyString  = 's'
	keyStrings = 'l'
	keyEntries = 'e'
)

// AppendKey appends to dst an encoding of f that is unambiguous: two
// Facts that a profile can tell apart never encode the same, which is
// what lets the program cache key hash it instead of f's JSON (building
// encoding/json's encoders cost a launch about 200 µs, more than the rest
// of the key). It tells apart even what no profile can: a nil list from
// an empty one, as the JSON did.
//
// Each leaf of Fields, in Fields' key order, is written as its key, a tag
// for its kind and its value; strings carry their length first, lists
// their length plus one (0 is a nil list). It is written out by hand, without reflection: the tests check
// that it covers every field and decodes back to f.
func (f *Facts) AppendKey(dst []byte) []byte {
	b := keyBuf(append(dst, keyMagic...))
	b.str("arch", f.Arch)
	b.str("arch_triplet", f.ArchTriplet)
	b.str("base", f.Base)
	b.str("base_dir", f.BaseDir)
	b.entries("base_entries", f.BaseEntries)
	b.strs("base_paths", f.BasePaths)
	b.str("biarch_triplet", f.BiarchTriplet)
	b.bool("classic", f.Classic)
	b.str("distro", f.Distro)
	b.str("distro_variant", f.DistroVariant)
	b.str("distro_version", f.DistroVersion)
	b.strs("host_paths", f.HostPaths)
	b.bool("merged_usr", f.MergedUsr)
	n := &f.NVIDIA
	b.strs("nvidia.egl_vendor", n.EGLVendor)
	b.strs("nvidia.gl", n.GL)
	b.strs("nvidia.gl32", n.GL32)
	b.strs("nvidia.glvnd_libs", n.GLVND)
	b.str("nvidia.layout", n.Layout)
	b.str("nvidia.legacy_dir", n.LegacyDir)
	b.str("nvidia.legacy_dir32", n.LegacyDir32)
	b.str("nvidia.version", n.Version)
	b.strs("nvidia.vulkan", n.Vulkan)
	b.entries("root_entries", f.RootEntries)
	b.str("snap_mount_dir", f.SnapMountDir)
	b.str("snap_name", f.SnapName)
	return []byte(b)
}

// keyBuf is the buffer AppendKey writes to.
type keyBuf []byte

// field starts a leaf: its key and the tag of its kind.
func (b *keyBuf) field(key string, tag byte) {
	b.raw(key)
	*b = append(*b, tag)
}

// raw writes a length-prefixed string.
func (b *keyBuf) raw(s string) {
	*b = binary.AppendUvarint(*b, uint64(len(s)))
	*b = append(*b, s...)
}

func (b *keyBuf) bool(key string, v bool) {
	b.field(key, keyBool)
	if v {
		*b = append(*b, 1)
	} else {
		*b = append(*b, 0)
	}
}

func (b *keyBuf) str(key, v string) {
	b.field(key, keyString)
	b.raw(v)
}

// count writes the length of a list, telling nil apart from empty.
func (b *keyBuf) count(n int, isNil bool) {
	if isNil {
		*b = append(*b, 0)
		return
	}
	*b = binary.AppendUvarint(*b, uint64(n)+1)
}

func (b *keyBuf) strs(key string, v []string) {
	b.field(key, keyStrings)
	b.count(len(v), v == nil)
	for _, s := range v {
		b.raw(s)
	}
}

func (b *keyBuf) entries(key string, v []Entry) {
	b.field(key, keyEntries)
	b.count(len(v), v == nil)
	for _, e := range v {
		b.raw(e.Name)
		b.raw(e.Type)
		b.raw(e.Target)
	}
}
