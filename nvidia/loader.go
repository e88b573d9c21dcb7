package nvidia

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path"
	"strings"
)

// Loader is the layout of hosts that install the driver outside the
// distribution's library directories and tell the dynamic loader where
// it is: cloud GPU images mount it at /usr/local/nvidia/lib64 and list
// that in /etc/ld.so.conf.d. snap-confine exposes nothing on such hosts;
// confine looks there only when the layouts above found no library, with
// the same canary as Multiarch, and exposes the directory as a farm.
const Loader = "loader"

// ldSoConf is the dynamic loader's configuration (ld.so(8), ldconfig(8)).
const ldSoConf = "/etc/ld.so.conf"

// maxConf bounds each configuration file read; they are a few lines.
const maxConf = 64 << 10

// loaderDirs lists the directories of /etc/ld.so.conf in order, with the
// files its "include" lines name expanded in place (one level, sorted, as
// glibc does for the usual "include /etc/ld.so.conf.d/*.conf"). Missing
// or unreadable files contribute nothing: this is a fallback, and a
// broken loader configuration must not stop a launch.
func loaderDirs(root string) []string {
	var dirs []string
	for _, line := range confLines(root, ldSoConf) {
		pattern, ok := strings.CutPrefix(line, "include")
		if !ok || (pattern != "" && pattern[0] != ' ' && pattern[0] != '\t') {
			dirs = append(dirs, line)
			continue
		}
		for _, p := range strings.Fields(pattern) {
			if !path.IsAbs(p) {
				p = path.Join(path.Dir(ldSoConf), p)
			}
			dir, base := path.Split(p)
			_, des, err := readDirIn(root, dir)
			if err != nil {
				continue
			}
			for _, de := range des {
				if ok, _ := path.Match(base, de.Name()); ok {
					dirs = append(dirs, confLines(root, path.Join(dir, de.Name()))...)
				}
			}
		}
	}
	var clean []string
	for _, d := range dirs {
		// Old configurations may say "dir=libc5"; hwcap lines start
		// with "hwcap". Only absolute directories matter here.
		d, _, _ = strings.Cut(d, "=")
		if path.IsAbs(d) {
			clean = append(clean, path.Clean(d))
		}
	}
	return clean
}

// confLines returns the non-comment words-or-lines of a loader
// configuration file under root: each line trimmed, "#" comments cut.
func confLines(root, p string) []string {
	real, err := resolveIn(root, p)
	if err != nil {
		return nil
	}
	f, err := os.Open(real)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConf))
	if err != nil {
		return nil
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// loaderLayout looks for the canary in the loader's directories and
// returns the first directory that has it, "" when none does.
func loaderLayout(root, version string) string {
	canary := "libnvidia-glcore.so." + version
	for _, dir := range loaderDirs(root) {
		if existsIn(root, path.Join(dir, canary)) {
			return dir
		}
	}
	return ""
}
