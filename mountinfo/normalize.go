package mountinfo

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Options says how Normalize makes two tables comparable. The zero value
// renumbers mount ids, parent ids, peer groups and devices and changes
// nothing else.
type Options struct {
	// Under keeps only the mounts at or below this absolute path and
	// re-roots their mount points there ("/under/x" becomes "/x", "/under"
	// becomes "/"). A scenario that runs inside a scratch tmpfs on the real
	// kernel is compared with the fake this way. Empty or "/" keeps all.
	// It applies after Replace, so it names the rewritten path.
	Under string
	// Replace rewrites literal text in roots, mount points and sources
	// before anything else, in order: a t.TempDir() path, say, becomes a
	// placeholder the caller names.
	Replace []Replacement
	// Derandomize rewrites mkdtemp suffixes ("_a1B2c3" → "_XXXXXX") and snap
	// revisions ("/snap/core/1234" → "/snap/core/R1", numbered by first
	// appearance) in roots, mount points and sources, and makes size=,
	// nr_inodes=, fd= and pipe_ino= option values VARIABLE.
	Derandomize bool
	// Sort orders the table by mount point, source and root. It runs after
	// the text is derandomized and before anything is renumbered, so the
	// numbering follows the sorted order (snapd's "sort only after
	// derandomization" lesson). Without Sort the kernel's order is kept,
	// which on current kernels is creation order and worth comparing.
	Sort bool
	// Drop* replace a field with a constant: "?" for text, 0:0 for devices.
	DropDevices      bool
	DropOptions      bool
	DropSources      bool
	DropSuperOptions bool
}

// Replacement is one literal rewrite for Options.Replace.
type Replacement struct{ Old, New string }

// The derandomizing expressions are compiled on first use: this package is
// linked into the launcher, and package initialisation runs on every start.
var (
	mkdtempSuffix = lazyRegexp(`_[A-Za-z0-9]{6}(/|$)`)
	snapRevision  = lazyRegexp(`(/snap/[^/]+/)([0-9]+)(/|$)`)
	variableOpt   = lazyRegexp(`(^|,)(size|nr_inodes|fd|pipe_ino)=[0-9]+[kKmMgG%]?`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Normalize returns a copy of entries made comparable with another table
// normalized the same way: mount ids become 1, 2, … in table order; a parent
// id becomes the new id of its parent, or 0 when the parent is not in the
// table; peer groups (shared:, master:, propagate_from:) are renumbered
// 1, 2, … by first appearance, one numbering for all three tags; devices
// become 0:1, 0:2, … by first appearance. Options adds filtering,
// derandomizing, sorting and dropping of fields.
func Normalize(entries []Entry, opts Options) []Entry {
	under := "/"
	if opts.Under != "" {
		under = path.Clean(opts.Under)
	}
	var out []Entry
	for _, e := range entries {
		e.Optional = append([]string(nil), e.Optional...)
		for _, r := range opts.Replace {
			if r.Old == "" {
				continue
			}
			e.Root = strings.ReplaceAll(e.Root, r.Old, r.New)
			e.Point = strings.ReplaceAll(e.Point, r.Old, r.New)
			e.Source = strings.ReplaceAll(e.Source, r.Old, r.New)
		}
		point, ok := reroot(e.Point, under)
		if !ok {
			continue
		}
		e.Point = point
		out = append(out, e)
	}
	if opts.Derandomize {
		derandomize(out)
	}
	if opts.Sort {
		sort.SliceStable(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.Point != b.Point {
				return a.Point < b.Point
			}
			if a.Source != b.Source {
				return a.Source < b.Source
			}
			return a.Root < b.Root
		})
	}
	renumber(out, opts)
	return out
}

// NormalizeText parses a table, normalizes it and formats it again.
func NormalizeText(text string, opts Options) (string, error) {
	entries, err := Parse(strings.NewReader(text))
	if err != nil {
		return "", err
	}
	return Format(Normalize(entries, opts)), nil
}

// reroot reports whether p is at or below under and returns p relative to
// under, as an absolute path.
func reroot(p, under string) (string, bool) {
	if under == "/" {
		return p, true
	}
	if p == under {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, under+"/"); ok {
		return "/" + rest, true
	}
	return "", false
}

// derandomize rewrites mkdtemp suffixes, snap revisions and variable option
// values, before any sorting.
func derandomize(entries []Entry) {
	revs := map[string]string{}
	fix := func(s string) string {
		if strings.Contains(s, "_") {
			s = mkdtempSuffix().ReplaceAllString(s, "_XXXXXX$1")
		}
		if !strings.Contains(s, "/snap/") {
			return s
		}
		return snapRevision().ReplaceAllStringFunc(s, func(m string) string {
			sub := snapRevision().FindStringSubmatch(m)
			r, ok := revs[sub[2]]
			if !ok {
				r = "R" + strconv.Itoa(len(revs)+1)
				revs[sub[2]] = r
			}
			return sub[1] + r + sub[3]
		})
	}
	for i := range entries {
		e := &entries[i]
		e.Root, e.Point, e.Source = fix(e.Root), fix(e.Point), fix(e.Source)
		if strings.Contains(e.Options, "=") {
			e.Options = variableOpt().ReplaceAllString(e.Options, "${1}${2}=VARIABLE")
		}
		if strings.Contains(e.SuperOptions, "=") {
			e.SuperOptions = variableOpt().ReplaceAllString(e.SuperOptions, "${1}${2}=VARIABLE")
		}
	}
}

// renumber gives ids, parents, peer groups and devices their stable
// numbers, and drops the fields opts asks to drop.
func renumber(entries []Entry, opts Options) {
	ids := map[int]int{}
	for i, e := range entries {
		if _, dup := ids[e.ID]; !dup {
			ids[e.ID] = i + 1
		}
	}
	groups := map[string]int{}
	devs := map[[2]int]int{}
	for i := range entries {
		e := &entries[i]
		e.ID = ids[e.ID]
		e.Parent = ids[e.Parent] // 0 when the parent is not listed
		for j, tag := range e.Optional {
			name, value, ok := strings.Cut(tag, ":")
			if !ok || (name != "shared" && name != "master" && name != "propagate_from") {
				continue
			}
			n, seen := groups[value]
			if !seen {
				n = len(groups) + 1
				groups[value] = n
			}
			e.Optional[j] = fmt.Sprintf("%s:%d", name, n)
		}
		if len(e.Optional) == 0 {
			e.Optional = nil
		}
		if opts.DropDevices {
			e.Major, e.Minor = 0, 0
		} else {
			d := [2]int{e.Major, e.Minor}
			n, seen := devs[d]
			if !seen {
				n = len(devs) + 1
				devs[d] = n
			}
			e.Major, e.Minor = 0, n
		}
		if opts.DropOptions {
			e.Options = "?"
		}
		if opts.DropSources {
			e.Source = "?"
		}
		if opts.DropSuperOptions {
			e.SuperOptions = "?"
		}
	}
}
