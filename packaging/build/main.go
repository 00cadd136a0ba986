// Command build makes the wsgate Debian package with nfpm, used as a library:
//
//	go run ./packaging/build -version 1.2.3 -arch amd64 -binary bin/wsgate -out dist/
//
// It writes dist/wsgate_<version>_<arch>.deb and prints its path. What the
// package holds (files, modes, conffiles, maintainer scripts) is listed once,
// in packaging/nfpm.yaml; this program only fills in the version, the
// architecture and the binary, and resolves the file names in that list
// against the directory it lives in.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Config, "config", filepath.Join("packaging", "nfpm.yaml"), "nfpm description of the package")
	fs.StringVar(&o.Version, "version", "", "version (git describe form accepted: v1.2.3-4-gabc1234-dirty)")
	fs.StringVar(&o.Arch, "arch", runtime.GOARCH, "GOARCH of the binary (amd64, arm64, 386, arm, ...)")
	fs.StringVar(&o.Binary, "binary", filepath.Join("bin", "wsgate"), "the wsgate binary to package")
	fs.StringVar(&o.OutDir, "out", "dist", "directory the .deb is written to")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "build: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	path, err := Build(o)
	if err != nil {
		fmt.Fprintln(stderr, "build:", err)
		return 1
	}
	fmt.Fprintln(stdout, path)
	return 0
}

// Options says what to package and where to put it.
type Options struct {
	Config  string // nfpm.yaml; relative src paths in it are relative to its directory
	Version string // any of git describe's forms; see DebianVersion
	Arch    string // GOARCH of the binary
	Binary  string // the wsgate executable
	OutDir  string // created when missing
}

// Build writes the package into o.OutDir and returns its path.
func Build(o Options) (string, error) {
	version, err := DebianVersion(o.Version)
	if err != nil {
		return "", err
	}
	if o.Arch == "" {
		return "", errors.New("no architecture given")
	}
	binary, err := filepath.Abs(o.Binary)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(binary)
	if err != nil {
		return "", fmt.Errorf("binary: %w", err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("binary %s is not an executable file", binary)
	}
	vars := map[string]string{
		"WSGATE_VERSION": version,
		"WSGATE_ARCH":    debianArch(o.Arch),
		"WSGATE_BINARY":  binary,
	}
	cfg, err := nfpm.ParseFileWithEnvMapping(o.Config, func(name string) string { return vars[name] })
	if err != nil {
		return "", fmt.Errorf("%s: %w", o.Config, err)
	}
	if err := resolvePaths(&cfg, filepath.Dir(o.Config)); err != nil {
		return "", err
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return "", err
	}
	if err := nfpm.Validate(info); err != nil {
		return "", fmt.Errorf("%s: %w", o.Config, err)
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(o.OutDir, deb.Default.ConventionalFileName(info))
	// Write beside the target and rename, so a failed build leaves no
	// truncated package behind.
	tmp, err := os.CreateTemp(o.OutDir, ".wsgate-*.deb")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := deb.Default.Package(info, tmp); err != nil {
		tmp.Close()
		return "", fmt.Errorf("package: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// resolvePaths makes the relative source paths of the description (files and
// maintainer scripts) relative to dir, the description's own directory, so
// the builder may run from anywhere.
func resolvePaths(cfg *nfpm.Config, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for _, c := range cfg.Contents {
		if c.Type != "dir" && c.Type != "symlink" {
			abs(&c.Source)
		}
	}
	for _, s := range []*string{&cfg.Scripts.PreInstall, &cfg.Scripts.PostInstall,
		&cfg.Scripts.PreRemove, &cfg.Scripts.PostRemove, &cfg.Changelog} {
		abs(s)
	}
	if len(cfg.Overrides) > 0 {
		return errors.New("overrides are not supported by this builder: list deb contents at the top level")
	}
	return nil
}

// debianArch names GOARCH values the way Debian does where nfpm does not
// already (nfpm maps 386, arm64, ppc64le and the like itself).
func debianArch(goarch string) string {
	if goarch == "arm" {
		return "armhf"
	}
	return goarch
}

// DebianVersion turns a version as git describe prints it into a Debian
// version that sorts the same way and that dpkg accepts:
//
//	v1.2.3               -> 1.2.3
//	v1.2.3-rc1           -> 1.2.3~rc1            (a pre-release sorts before 1.2.3)
//	v1.2.3-4-gabc1234    -> 1.2.3+4.gabc1234     (commits after a tag sort after it)
//	v1.2.3-4-gabc-dirty  -> 1.2.3+4.gabc.dirty
//	eece5e9-dirty        -> 0~eece5e9+dirty      (no tag yet: before any release)
//	1234567              -> 0~1234567            (a hash, even when all digits)
//
// It never contains a hyphen, so dpkg reads it all as the upstream version.
func DebianVersion(v string) (string, error) {
	v = strings.TrimSpace(v)
	tagged := strings.HasPrefix(v, "v")
	v = strings.TrimPrefix(v, "v")
	if v == "" {
		return "", errors.New("no version given")
	}
	parts := strings.Split(v, "-")
	out := parts[0]
	// A release is numbers and dots; a bare abbreviated commit hash (git
	// describe --always before the first tag) may be all digits too, but has
	// neither a dot nor a leading v.
	if !releaseRE.MatchString(out) || (!tagged && !strings.Contains(out, ".")) {
		out = "0~" + out
	}
	rest := parts[1:]
	if len(rest) > 0 && isPrerelease(rest[0]) {
		out += "~" + rest[0]
		rest = rest[1:]
	}
	if len(rest) > 0 {
		out += "+" + strings.Join(rest, ".")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '+', r == '~':
			return r
		}
		return '.'
	}, out), nil
}

var releaseRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// isPrerelease tells a semver pre-release (rc1, beta.2) from what git
// describe appends: a commit count, g<hash> or dirty.
func isPrerelease(s string) bool {
	if s == "" || s == "dirty" || s[0] < 'A' || (s[0] > 'Z' && s[0] < 'a') || s[0] > 'z' {
		return false
	}
	if s[0] == 'g' && len(s) > 1 && strings.Trim(s[1:], "0123456789abcdef") == "" {
		return false
	}
	return true
}
