// Package inspect holds the subcommands that look at mount programs
// without mounting anything: plan, check, simulate, test, explain and
// apparmor. Importing it registers them with confine/internal/cli.
//
// They are kept out of package cli because they need host fixtures, the
// fake kernel and afero (which links net/http): a binary that only
// launches (cmd/confine-launch) leaves this package out and starts
// faster, with less code in the process that may run setuid.
package inspect

// The inspecting commands evaluate profiles in this process.
import _ "confine/internal/cli/evaluate"
