package plan

import (
	"fmt"
	"strings"
)

// Kind says which system call an Op stands for.
type Kind int

// The kinds of operation a program can hold. Their names are the words
// the JSON form uses.
const (
	Bind           Kind = iota + 1 // mount --bind / --rbind (Recursive)
	MakeShared                     // mount --make-[r]shared
	MakeSlave                      // mount --make-[r]slave
	MakePrivate                    // mount --make-[r]private
	MakeUnbindable                 // mount --make-[r]unbindable
	Mount                          // mount -t FSTYPE [-o OPTIONS] SOURCE TARGET (a new filesystem)
	Remount                        // mount -o remount,bind,OPTIONS TARGET (per-mount flags of one mount)
	Move                           // mount --move SOURCE TARGET
	Umount                         // umount [--lazy] [--no-follow] TARGET
	Mkdir                          // mkdir --mode=MODE TARGET
	Rmdir                          // rmdir TARGET
	Symlink                        // ln -s SOURCE TARGET (SOURCE is the link's text)
	Pivot                          // pivot_root TARGET(new_root) SOURCE(put_old)
)

var kindNames = map[Kind]string{
	Bind:           "bind",
	MakeShared:     "make_shared",
	MakeSlave:      "make_slave",
	MakePrivate:    "make_private",
	MakeUnbindable: "make_unbindable",
	Mount:          "mount",
	Remount:        "remount",
	Move:           "move",
	Umount:         "umount",
	Mkdir:          "mkdir",
	Rmdir:          "rmdir",
	Symlink:        "symlink",
	Pivot:          "pivot",
}

// Kinds lists every kind in declaration order, so that tools which must
// cover them all (the AppArmor generator, its tests) can range over it.
func Kinds() []Kind {
	return []Kind{Bind, MakeShared, MakeSlave, MakePrivate, MakeUnbindable,
		Mount, Remount, Move, Umount, Mkdir, Rmdir, Symlink, Pivot}
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// IsPropagation reports whether k changes the propagation type of a mount.
func (k Kind) IsPropagation() bool {
	return k == MakeShared || k == MakeSlave || k == MakePrivate || k == MakeUnbindable
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if name == s {
			return k, true
		}
	}
	return 0, false
}

// Pos is a position in a profile or stdlib file. It is a plain struct, not
// Starlark's syntax.Position, so that this package stays free of Starlark.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p Pos) String() string {
	if p.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Short renders the position as file:line, the form used in program text.
func (p Pos) Short() string {
	if p.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Op is one operation of a mount program: one mount(2), umount2(2),
// pivot_root(2), mkdir(2), rmdir(2) or symlink(2) call.
//
// Paths are absolute and clean, or start with a placeholder such as
// $SCRATCH that the executor resolves.
type Op struct {
	Kind Kind `json:"kind"`
	// Source is the bind or move source, the filesystem source of a Mount,
	// the link text of a Symlink, or put_old of a Pivot.
	Source string `json:"source,omitempty"`
	// Target is what the op acts on: the mount point, the directory, the
	// link path, or new_root of a Pivot.
	Target string `json:"target"`
	// FSType is the filesystem type of a Mount.
	FSType string `json:"fstype,omitempty"`
	// Options are the comma-separated mount options of a Mount or Remount.
	Options string `json:"options,omitempty"`
	// Recursive selects --rbind and --make-r* forms.
	Recursive bool `json:"recursive,omitempty"`
	// Lazy (MNT_DETACH) and NoFollow (UMOUNT_NOFOLLOW) qualify an Umount.
	Lazy     bool `json:"lazy,omitempty"`
	NoFollow bool `json:"no_follow,omitempty"`
	// Optional ops are skipped at execution time when their source or
	// target does not exist (snap-confine's is_optional: ENOENT only).
	Optional bool `json:"optional,omitempty"`
	// Mode is the permission of a Mkdir as chmod(1) octal bits, setuid
	// (0o4000), setgid (0o2000) and sticky (0o1000) included.
	Mode uint32 `json:"mode,omitempty"`
	// Pos is where the builtin that recorded the op was called.
	Pos Pos `json:"pos"`
	// Stack is the Starlark call stack of that call, outermost first; its
	// last element equals Pos. The outermost frame is in the profile the
	// user named.
	Stack []Pos `json:"stack,omitempty"`
}

// Origin is the outermost frame of the op's call stack: the line of the
// profile the user wrote that caused the op, even when a stdlib function
// made the actual call.
func (o Op) Origin() Pos {
	if len(o.Stack) > 0 {
		return o.Stack[0]
	}
	return o.Pos
}

// Where renders the op's provenance as program text shows it:
// "classic.star:30", or "classic.star:30 > bootstrap.star:88" when a
// function in another file recorded it.
func (o Op) Where() string {
	origin := o.Origin()
	if origin == o.Pos {
		return o.Pos.Short()
	}
	return origin.Short() + " > " + o.Pos.Short()
}

// String renders the op as the equivalent command, in mount(8) syntax with
// snap-confine's word order (reference: snap-confine's sc_mount_cmd).
func (o Op) String() string {
	var b strings.Builder
	switch o.Kind {
	case Bind:
		if o.Recursive {
			b.WriteString("mount --rbind ")
		} else {
			b.WriteString("mount --bind ")
		}
		b.WriteString(o.Source + " " + o.Target)
	case MakeShared, MakeSlave, MakePrivate, MakeUnbindable:
		b.WriteString("mount --make-")
		if o.Recursive {
			b.WriteString("r")
		}
		b.WriteString(strings.TrimPrefix(o.Kind.String(), "make_"))
		b.WriteString(" " + o.Target)
	case Mount:
		b.WriteString("mount -t " + o.FSType)
		if o.Options != "" {
			b.WriteString(" -o " + o.Options)
		}
		b.WriteString(" " + o.Source + " " + o.Target)
	case Remount:
		b.WriteString("mount -o remount,bind")
		if o.Options != "" {
			b.WriteString("," + o.Options)
		}
		b.WriteString(" " + o.Target)
	case Move:
		b.WriteString("mount --move " + o.Source + " " + o.Target)
	case Umount:
		b.WriteString("umount")
		if o.Lazy {
			b.WriteString(" --lazy")
		}
		if o.NoFollow {
			b.WriteString(" --no-follow")
		}
		b.WriteString(" " + o.Target)
	case Mkdir:
		fmt.Fprintf(&b, "mkdir --mode=%04o %s", o.Mode, o.Target)
	case Rmdir:
		b.WriteString("rmdir " + o.Target)
	case Symlink:
		b.WriteString("ln -s " + o.Source + " " + o.Target)
	case Pivot:
		b.WriteString("pivot_root " + o.Target + " " + o.Source)
	default:
		fmt.Fprintf(&b, "%s %s %s", o.Kind, o.Source, o.Target)
	}
	return b.String()
}
