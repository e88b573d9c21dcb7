package starc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// An archive is the bytecode of the embedded files of one package:
//
//	magic    "confine starc 1\n"
//	version  uvarint length + the go.starlark.net version compiled with
//	count    uvarint
//	entries  count times: Key (32 bytes), uvarint length, bytecode
//
// Entries are sorted by key, so the same inputs give the same bytes.
const archiveMagic = "confine starc 1\n"

// Entry is one compiled file of an archive.
type Entry struct {
	Key  Key
	Code []byte
}

// Archive encodes entries compiled with go.starlark.net version.
func Archive(version string, entries []Entry) []byte {
	sorted := append([]Entry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].Key[:], sorted[j].Key[:]) < 0 })
	buf := []byte(archiveMagic)
	buf = binary.AppendUvarint(buf, uint64(len(version)))
	buf = append(buf, version...)
	buf = binary.AppendUvarint(buf, uint64(len(sorted)))
	for _, e := range sorted {
		buf = append(buf, e.Key[:]...)
		buf = binary.AppendUvarint(buf, uint64(len(e.Code)))
		buf = append(buf, e.Code...)
	}
	return buf
}

var errCorrupt = errors.New("starc: corrupt archive")

// parseArchive decodes an archive; its entries share data's memory.
func parseArchive(data string) (version string, index map[Key]string, err error) {
	b, ok := strings.CutPrefix(data, archiveMagic)
	if !ok {
		return "", nil, fmt.Errorf("starc: not an archive (no %q)", strings.TrimSpace(archiveMagic))
	}
	next := func(n uint64) (string, bool) {
		if n > uint64(len(b)) {
			return "", false
		}
		out := b[:n]
		b = b[n:]
		return out, true
	}
	uvarint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < binary.MaxVarintLen64 && i < len(b); i++ {
			c := b[i]
			v |= uint64(c&0x7f) << (7 * i)
			if c < 0x80 {
				if i == binary.MaxVarintLen64-1 && c > 1 {
					return 0, false
				}
				b = b[i+1:]
				return v, true
			}
		}
		return 0, false
	}
	n, ok := uvarint()
	version, ok2 := next(n)
	count, ok3 := uvarint()
	if !ok || !ok2 || !ok3 || count > uint64(len(b)/(len(Key{})+1)) {
		return "", nil, errCorrupt
	}
	index = make(map[Key]string, count)
	for range count {
		k, ok := next(uint64(len(Key{})))
		if !ok {
			return "", nil, errCorrupt
		}
		n, ok := uvarint()
		if !ok {
			return "", nil, errCorrupt
		}
		code, ok := next(n)
		if !ok {
			return "", nil, errCorrupt
		}
		index[Key([]byte(k))] = code
	}
	if len(b) != 0 {
		return "", nil, errCorrupt
	}
	return version, index, nil
}
