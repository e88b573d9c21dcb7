package sim

import (
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"confine/facts"
	"confine/hosts"
	"confine/interp"
	"confine/plan"
)

// DefaultSnap is the snap name simulations use unless a fact says
// otherwise (facts.snap_name).
const DefaultSnap = "demo"

// Profile names a profile file to evaluate.
type Profile struct {
	FS   fs.FS  // holds File and its sibling modules
	File string // the profile's name in FS, e.g. "classic.star"
	Name string // recorded as the program's profile; File when empty
}

// hostFacts caches each fixture's gathered facts: gathering copies the
// fixture's tree to disk, and a test file simulates on the same few hosts
// again and again. The live host is never cached (it may change).
var hostFacts sync.Map // name → facts.Facts

// Facts gathers host's facts and applies overrides (facts.Set keys such
// as "classic" or "nvidia.version"), in sorted key order; snap_name
// defaults to DefaultSnap.
func Facts(host *hosts.Host, overrides map[string]string) (facts.Facts, error) {
	var f facts.Facts
	if cached, ok := hostFacts.Load(host.Name); ok && !host.Live() {
		f = cached.(facts.Facts)
	} else {
		var err error
		if f, err = host.Facts(); err != nil {
			return f, err
		}
		if !host.Live() {
			hostFacts.Store(host.Name, f)
		}
	}
	f.SnapName = DefaultSnap
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := f.Set(k, overrides[k]); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Evaluate evaluates p with host's facts (plus overrides) and stdlib.
func Evaluate(p Profile, stdlib fs.FS, host *hosts.Host, overrides map[string]string) (*plan.Program, error) {
	f, err := Facts(host, overrides)
	if err != nil {
		return nil, err
	}
	prog, err := interp.Eval(interp.Config{Profile: p.FS, File: p.File, Name: p.Name, Stdlib: stdlib, Facts: f})
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	return prog, nil
}
