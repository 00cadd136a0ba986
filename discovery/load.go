package discovery

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"wsgate/functions"
)

// Problem is one fault in the manifests: the file, the path inside it, and what is wrong.
type Problem struct {
	File, Path, Msg string
}

// String formats the problem as file: path: message.
func (p Problem) String() string {
	s := p.File
	if p.Path != "" {
		s += ": " + p.Path
	}
	return s + ": " + p.Msg
}

// Problems is every fault found; as an error it lists them one per line.
type Problems []Problem

// Error lists the problems.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in the component manifests:\n%s", len(ps), strings.Join(lines, "\n"))
}

// Source is a tree of component folders, each with a db/services.yaml.
type Source struct {
	Name string // shown in messages: "embedded" or the directory
	FS   fs.FS
}

// DirSource is the Source for a directory of components on disk.
func DirSource(dir string) Source { return Source{Name: dir, FS: os.DirFS(dir)} }

// Implementations says which Go implementations are registered.
type Implementations interface {
	Lookup(classname, methodname string) (functions.Handler, bool)
}

// Catalog is the validated content of every manifest: what the upgrade installs.
type Catalog struct {
	Manifests    []*Manifest
	Functions    []*functions.Function // sorted by name
	Services     []*ServiceDecl        // sorted by name
	Capabilities []CapabilityDecl
	Warnings     Problems
}

// Function returns the declared function called name, or nil.
func (c *Catalog) Function(name string) *functions.Function {
	i := sort.Search(len(c.Functions), func(i int) bool { return c.Functions[i].Name >= name })
	if i < len(c.Functions) && c.Functions[i].Name == name {
		return c.Functions[i]
	}
	return nil
}

// Files lists the manifests of every source, for a progress display.
func Files(sources []Source) ([]string, error) {
	var all []string
	for _, src := range sources {
		files, err := fs.Glob(src.FS, "*/"+ManifestPath)
		if err != nil {
			return nil, err
		}
		all = append(all, files...)
	}
	return all, nil
}

// Load parses and validates every manifest of the sources. It returns Problems
// when anything is wrong; nothing is partially accepted. progress, when not
// nil, is called after each file with the count done and the total.
func Load(sources []Source, impls Implementations, progress func(done, total int)) (*Catalog, error) {
	type file struct {
		src  Source
		name string
	}
	var files []file
	for _, src := range sources {
		names, err := fs.Glob(src.FS, "*/"+ManifestPath)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 && src.Name != "embedded" {
			if _, err := fs.Stat(src.FS, "."); err != nil {
				return nil, Problems{{File: src.Name, Msg: "cannot read the components directory: " + err.Error()}}
			}
		}
		for _, n := range names {
			files = append(files, file{src, n})
		}
	}
	var probs Problems
	cat := &Catalog{}
	for i, f := range files {
		data, err := fs.ReadFile(f.src.FS, f.name)
		display := displayName(f.src, f.name)
		if err != nil {
			probs = append(probs, Problem{File: display, Msg: err.Error()})
			continue
		}
		component := strings.SplitN(f.name, "/", 2)[0]
		m, ps := ParseManifest(display, component, data)
		probs = append(probs, ps...)
		if m != nil {
			cat.Manifests = append(cat.Manifests, m)
		}
		if progress != nil {
			progress(i+1, len(files))
		}
	}
	probs = append(probs, cat.index(impls)...)
	if len(probs) > 0 {
		return nil, probs
	}
	return cat, nil
}

func displayName(src Source, name string) string {
	if src.Name == "embedded" {
		return "components/" + name
	}
	return path.Join(src.Name, name)
}

var alphanumext = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// index fills the catalog's sorted lists and checks what spans manifests.
func (c *Catalog) index(impls Implementations) Problems {
	var probs Problems
	fnFile := map[string]string{}
	svcFile := map[string]string{}
	shortFile := map[string]string{}
	for _, m := range c.Manifests {
		for _, f := range m.Functions {
			p := "functions." + f.Name
			if other, dup := fnFile[f.Name]; dup {
				probs = append(probs, Problem{m.File, p, "function already declared in " + other})
				continue
			}
			fnFile[f.Name] = m.File
			c.Functions = append(c.Functions, f)
			if !strings.HasPrefix(f.Name, m.Component+"_") {
				c.Warnings = append(c.Warnings, Problem{m.File, p, "name does not start with its component " + m.Component + "_"})
			}
			if f.Upstream == nil && impls != nil {
				if _, ok := impls.Lookup(f.ClassName, f.MethodName); !ok {
					probs = append(probs, Problem{m.File, p, fmt.Sprintf("no Go implementation is registered for %s::%s",
						f.ClassName, f.MethodName)})
				}
			}
		}
		for _, s := range m.Services {
			if other, dup := svcFile[s.Name]; dup {
				probs = append(probs, Problem{m.File, s.path, "service already declared in " + other})
				continue
			}
			svcFile[s.Name] = m.File
			if !alphanumext.MatchString(s.Shortname) {
				probs = append(probs, Problem{m.File, s.path + ".shortname",
					fmt.Sprintf("%q may hold only letters, digits, _ and - (PARAM_ALPHANUMEXT)", s.Shortname)})
			} else if s.Shortname != "" {
				if other, dup := shortFile[s.Shortname]; dup {
					probs = append(probs, Problem{m.File, s.path + ".shortname",
						fmt.Sprintf("shortname %q is already used by a service in %s", s.Shortname, other)})
				}
				shortFile[s.Shortname] = m.File
			}
			c.Services = append(c.Services, s)
		}
		c.Capabilities = append(c.Capabilities, m.Capabilities...)
	}
	for _, m := range c.Manifests {
		for _, s := range m.Services {
			for _, fn := range s.Functions {
				if _, ok := fnFile[fn]; !ok {
					probs = append(probs, Problem{m.File, s.path + ".functions", "unknown function " + fn})
				}
			}
		}
		for _, f := range m.Functions {
			for _, short := range f.Services {
				if _, ok := shortFile[short]; !ok {
					c.Warnings = append(c.Warnings, Problem{m.File, "functions." + f.Name + ".services",
						"no component declares a service with shortname " + short})
				}
			}
		}
	}
	sort.Slice(c.Functions, func(i, j int) bool { return c.Functions[i].Name < c.Functions[j].Name })
	sort.Slice(c.Services, func(i, j int) bool { return c.Services[i].Name < c.Services[j].Name })
	return probs
}
