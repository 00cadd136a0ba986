package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestDebianVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3":                  "1.2.3",
		"1.2.3":                   "1.2.3",
		"v1.2.3-rc1":              "1.2.3~rc1",
		"v1.2.3-beta.2":           "1.2.3~beta.2",
		"v1.2.3-4-gabc1234":       "1.2.3+4.gabc1234",
		"v1.2.3-4-gabc1234-dirty": "1.2.3+4.gabc1234.dirty",
		"v1.2.3-rc1-4-gabc1234":   "1.2.3~rc1+4.gabc1234",
		"v1.2.3-dirty":            "1.2.3+dirty",
		"eece5e9-dirty":           "0~eece5e9+dirty",
		"eece5e9":                 "0~eece5e9",
		"1234567":                 "0~1234567",
		"v2":                      "2",
		"dev":                     "0~dev",
		"1.0_beta":                "0~1.0.beta",
	} {
		got, err := DebianVersion(in)
		if err != nil || got != want {
			t.Errorf("DebianVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := DebianVersion(" "); err == nil {
		t.Error("an empty version was accepted")
	}
}

// TestDebianVersionOrder checks with dpkg that the mapping keeps the order
// of releases (skipped where dpkg is not installed).
func TestDebianVersionOrder(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg is not installed")
	}
	ordered := []string{"eece5e9-dirty", "v0.1.0-rc1", "v0.1.0", "v0.1.0-3-gabc1234",
		"v0.1.0-3-gabc1234-dirty", "v0.2.0"}
	for i := 1; i < len(ordered); i++ {
		a, _ := DebianVersion(ordered[i-1])
		b, _ := DebianVersion(ordered[i])
		if err := exec.Command("dpkg", "--compare-versions", a, "lt", b).Run(); err != nil {
			t.Errorf("dpkg does not sort %s (%s) before %s (%s)", a, ordered[i-1], b, ordered[i])
		}
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-nope"}, &out, &errOut); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := run([]string{"-version", "1.0", "extra"}, &out, &errOut); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
	if code := run([]string{"-version", "1.0", "-binary", "/nonexistent"}, &out, &errOut); code != 1 {
		t.Errorf("missing binary: exit %d, want 1", code)
	}
}

// entry is one member of a tar archive inside the package.
type entry struct {
	hdr  *tar.Header
	body []byte
}

// TestPackage builds the package from a freshly built binary and inspects
// it: control fields, conffiles, maintainer scripts, files with their modes
// and owners, the packaged configuration (accepted by the binary), and the
// systemd unit (its hardening, and systemd-analyze verify where available).
func TestPackage(t *testing.T) {
	root := moduleRoot(t)
	tmp := t.TempDir()
	// Both programs are built as make deb builds them, outside the test
	// binary: under the race detector packaging in-process is ten times slower.
	binary, builder := filepath.Join(tmp, "wsgate"), filepath.Join(tmp, "build")
	for _, b := range []struct{ out, pkg, ldflags string }{
		{binary, "./cmd/wsgate", "-s -w -X wsgate.Version=9.8.7-rc1"},
		{builder, "./packaging/build", ""},
	} {
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", b.ldflags, "-o", b.out, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(builder, "-version", "v9.8.7-rc1", "-arch", runtime.GOARCH, "-binary", binary,
		"-out", filepath.Join(tmp, "dist"))
	cmd.Dir = root // the default -config, packaging/nfpm.yaml, is relative to the module root
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	path := strings.TrimSpace(stdout.String())
	arch := map[string]string{"386": "i386", "arm": "armhf", "ppc64le": "ppc64el"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	if want := filepath.Join(tmp, "dist", "wsgate_9.8.7~rc1_"+arch+".deb"); path != want {
		t.Fatalf("package written to %s, want %s", path, want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(tmp, "dist", ".wsgate-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left in dist: %v", leftovers)
	}

	members := readAr(t, path)
	if got := string(members["debian-binary"]); got != "2.0\n" {
		t.Errorf("debian-binary = %q", got)
	}
	control := readTarGz(t, members["control.tar.gz"])
	data := readTarGz(t, members["data.tar.gz"])

	t.Run("control", func(t *testing.T) {
		fields := parseControl(t, control["control"].body)
		for k, want := range map[string]string{"Package": "wsgate", "Version": "9.8.7~rc1",
			"Architecture": arch, "Depends": "adduser", "Section": "net", "Priority": "optional"} {
			if fields[k] != want {
				t.Errorf("control %s = %q, want %q", k, fields[k], want)
			}
		}
		if fields["Maintainer"] == "" || !strings.HasPrefix(fields["Description"], "external function") {
			t.Errorf("control lacks a maintainer or description: %v", fields)
		}
	})

	t.Run("conffiles", func(t *testing.T) {
		got := strings.Fields(string(control["conffiles"].body))
		sort.Strings(got)
		want := []string{"/etc/logrotate.d/wsgate", "/etc/monit/conf-available/wsgate", "/etc/wsgate/config.yml"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("conffiles = %v, want %v", got, want)
		}
	})

	t.Run("maintainer scripts", func(t *testing.T) {
		for _, name := range []string{"postinst", "prerm", "postrm"} {
			e, ok := control[name]
			if !ok {
				t.Errorf("no %s", name)
				continue
			}
			if e.hdr.Mode&0o777 != 0o755 {
				t.Errorf("%s mode %o, want 755", name, e.hdr.Mode&0o777)
			}
			if !bytes.HasPrefix(e.body, []byte("#!/bin/sh\n")) || !bytes.Contains(e.body, []byte("\nset -e\n")) {
				t.Errorf("%s does not start with #!/bin/sh and set -e", name)
			}
			script := filepath.Join(tmp, name)
			if err := os.WriteFile(script, e.body, 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("sh", "-n", script).CombinedOutput(); err != nil {
				t.Errorf("sh -n %s: %v\n%s", name, err, out)
			}
			if sc, err := exec.LookPath("shellcheck"); err == nil {
				if out, err := exec.Command(sc, "-s", "sh", script).CombinedOutput(); err != nil {
					t.Errorf("shellcheck %s:\n%s", name, out)
				}
			}
		}
		if _, ok := control["preinst"]; ok {
			t.Error("unexpected preinst")
		}
		postinst := string(control["postinst"].body)
		for _, want := range []string{
			"adduser --quiet --system --ingroup \"$NAME\" --home \"$STATE_DIR\"",
			"--no-create-home --shell /usr/sbin/nologin",
			"STATE_DIR=/var/lib/wsgate", "LOG_DIR=/var/log/wsgate",
			`install -d -m 0750 -o "$NAME" -g "$NAME" "$STATE_DIR" "$LOG_DIR"`,
			`chown root:"$NAME" "$CONF_DIR/config.yml"`, `chmod 0640 "$CONF_DIR/config.yml"`,
			"if [ -d /run/systemd/system ]; then",
		} {
			if !strings.Contains(postinst, want) {
				t.Errorf("postinst lacks %q", want)
			}
		}
		postrm := string(control["postrm"].body)
		for _, want := range []string{"purge)", "rm -rf /var/lib/wsgate /var/log/wsgate",
			`deluser --quiet --system "$NAME"`, `delgroup --quiet --system "$NAME"`} {
			if !strings.Contains(postrm, want) {
				t.Errorf("postrm lacks %q", want)
			}
		}
		if !strings.Contains(string(control["prerm"].body), `deb-systemd-invoke stop "$UNIT"`) {
			t.Error("prerm does not stop the service")
		}
	})

	t.Run("files", func(t *testing.T) {
		for path, want := range map[string]struct {
			typ  byte
			mode int64
		}{
			"./usr/bin/wsgate":                        {tar.TypeReg, 0o755},
			"./etc/wsgate/config.yml":                 {tar.TypeReg, 0o640},
			"./etc/wsgate/conf.d/":                    {tar.TypeDir, 0o750},
			"./etc/logrotate.d/wsgate":                {tar.TypeReg, 0o644},
			"./etc/monit/conf-available/wsgate":       {tar.TypeReg, 0o644},
			"./usr/lib/systemd/system/wsgate.service": {tar.TypeReg, 0o644},
			"./usr/share/doc/wsgate/README.md":        {tar.TypeReg, 0o644},
			"./usr/share/doc/wsgate/operations.md":    {tar.TypeReg, 0o644},
			"./usr/share/doc/wsgate/manifest.md":      {tar.TypeReg, 0o644},
			"./usr/share/doc/wsgate/copyright":        {tar.TypeReg, 0o644},
		} {
			e, ok := data[path]
			if !ok {
				t.Errorf("%s is missing", path)
				continue
			}
			if e.hdr.Typeflag != want.typ || e.hdr.Mode&0o7777 != want.mode {
				t.Errorf("%s: type %c mode %o, want %c %o", path, e.hdr.Typeflag, e.hdr.Mode&0o7777, want.typ, want.mode)
			}
		}
		for path, e := range data {
			if e.hdr.Uname != "root" || e.hdr.Gname != "root" {
				t.Errorf("%s owned by %s:%s, want root:root (postinst sets the rest)", path, e.hdr.Uname, e.hdr.Gname)
			}
			if e.hdr.Mode&0o6002 != 0 {
				t.Errorf("%s mode %o: setuid, setgid or world-writable", path, e.hdr.Mode)
			}
			// State, logs and users' homes are made by postinst, not shipped.
			for _, no := range []string{"./var/", "./home/", "./run/", "./tmp/"} {
				if strings.HasPrefix(path, no) {
					t.Errorf("the package ships %s", path)
				}
			}
		}
		want, err := os.ReadFile(binary)
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(want) != sha256.Sum256(data["./usr/bin/wsgate"].body) {
			t.Error("/usr/bin/wsgate is not the binary given to the builder")
		}
		for _, doc := range []string{"README.md", "docs/operations.md", "docs/manifest.md"} {
			want, err := os.ReadFile(filepath.Join(root, doc))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, data["./usr/share/doc/wsgate/"+filepath.Base(doc)].body) {
				t.Errorf("the packaged %s differs from the source", doc)
			}
		}
	})

	t.Run("config", func(t *testing.T) {
		body := data["./etc/wsgate/config.yml"].body
		var cfg struct {
			Database struct{ URL string }
			Login    struct {
				SecretFile string `yaml:"secret_file"`
			}
		}
		if err := yaml.Unmarshal(body, &cfg); err != nil {
			t.Fatalf("config.yml: %v", err)
		}
		if cfg.Database.URL != "sqlite:/var/lib/wsgate/wsgate.db" {
			t.Errorf("database.url = %q, want sqlite:/var/lib/wsgate/wsgate.db", cfg.Database.URL)
		}
		if cfg.Login.SecretFile != "/var/lib/wsgate/token.secret" {
			t.Errorf("login.secret_file = %q, want /var/lib/wsgate/token.secret", cfg.Login.SecretFile)
		}
		// The binary accepts it (no unknown key, no bad value); the store, the
		// file contents and the login secret are redirected to the test's
		// directory, so that the test leaves nothing in /var/lib/wsgate (run
		// as root, it would leave root's files there for the installed package).
		dir := t.TempDir()
		conf := filepath.Join(dir, "config.yml")
		if err := os.WriteFile(conf, body, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, "--config", conf, "migrate", "version")
		cmd.Env = append(os.Environ(), "WSGATE_DATABASE_URL=sqlite:"+filepath.Join(dir, "t.db"),
			"WSGATE_FILES_DIR="+filepath.Join(dir, "filedir"), "WSGATE_LOGIN_SECRET_FILE="+filepath.Join(dir, "token.secret"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("wsgate --config <packaged config.yml> migrate version: %v\n%s", err, out)
		}
	})

	t.Run("unit", func(t *testing.T) {
		body := data["./usr/lib/systemd/system/wsgate.service"].body
		unit := parseUnit(t, body)
		for key, want := range map[string]string{
			"Service.User":                    "wsgate",
			"Service.Group":                   "wsgate",
			"Service.ExecStart":               "/usr/bin/wsgate serve --config /etc/wsgate/config.yml",
			"Service.WorkingDirectory":        "/var/lib/wsgate",
			"Service.StateDirectory":          "wsgate",
			"Service.LogsDirectory":           "wsgate",
			"Service.Restart":                 "on-failure",
			"Service.NoNewPrivileges":         "yes",
			"Service.ProtectSystem":           "strict",
			"Service.ProtectHome":             "yes",
			"Service.PrivateTmp":              "yes",
			"Service.PrivateDevices":          "yes",
			"Service.ProtectKernelTunables":   "yes",
			"Service.ProtectKernelModules":    "yes",
			"Service.ProtectKernelLogs":       "yes",
			"Service.ProtectControlGroups":    "yes",
			"Service.RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
			"Service.RestrictNamespaces":      "yes",
			"Service.LockPersonality":         "yes",
			"Service.MemoryDenyWriteExecute":  "yes",
			"Service.RestrictRealtime":        "yes",
			"Service.SystemCallArchitectures": "native",
			"Service.CapabilityBoundingSet":   "",
			"Service.UMask":                   "0027",
			"Service.StandardOutput":          "append:/var/log/wsgate/wsgate.log",
			"Install.WantedBy":                "multi-user.target",
		} {
			got, ok := unit[key]
			if !ok {
				t.Errorf("unit lacks %s", key)
			} else if got != want {
				t.Errorf("unit %s = %q, want %q", key, got, want)
			}
		}
		// TimeoutStopSec must leave wsgate its shutdown_grace (15s by default).
		stop := strings.TrimSuffix(unit["Service.TimeoutStopSec"], "s")
		if n, err := strconv.Atoi(stop); err != nil || n <= 15 || n > 60 {
			t.Errorf("TimeoutStopSec = %q, want a little more than the 15s shutdown grace", unit["Service.TimeoutStopSec"])
		}

		sa, err := exec.LookPath("systemd-analyze")
		if err != nil {
			t.Log("systemd-analyze is not installed: verify skipped")
			return
		}
		// verify checks that ExecStart exists: point it at the built binary.
		copyPath := filepath.Join(t.TempDir(), "wsgate.service")
		copyBody := bytes.Replace(body, []byte("ExecStart=/usr/bin/wsgate"), []byte("ExecStart="+binary), 1)
		if err := os.WriteFile(copyPath, copyBody, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(sa, "verify", "--man=no", copyPath).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
		// The exposure score (0 safest, 10 unsafe) must stay at 2.0 or below.
		out, err = exec.Command(sa, "security", "--offline=yes", "--threshold=20", copyPath).CombinedOutput()
		if bytes.Contains(out, []byte("unrecognized option")) {
			t.Log("systemd-analyze security --offline is not supported here")
		} else if err != nil {
			t.Errorf("systemd-analyze security: exposure above 2.0 (%v)\n%s", err, out)
		}
	})

	t.Run("logrotate and monit", func(t *testing.T) {
		dir := t.TempDir()
		if lr, err := exec.LookPath("logrotate"); err == nil {
			conf := filepath.Join(dir, "logrotate")
			if err := os.WriteFile(conf, data["./etc/logrotate.d/wsgate"].body, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(lr, "--debug", "--state", filepath.Join(dir, "state"), conf).CombinedOutput()
			if err != nil || bytes.Contains(bytes.ToLower(out), []byte("error")) {
				t.Errorf("logrotate --debug: %v\n%s", err, out)
			}
		} else {
			t.Log("logrotate is not installed: its check skipped")
		}
		monit, err := exec.LookPath("monit")
		if err != nil {
			t.Log("monit is not installed: its check skipped")
			return
		}
		check := filepath.Join(dir, "monit-wsgate")
		if err := os.WriteFile(check, data["./etc/monit/conf-available/wsgate"].body, 0o644); err != nil {
			t.Fatal(err)
		}
		rc := filepath.Join(dir, "monitrc")
		if err := os.WriteFile(rc, []byte("set daemon 30\nset idfile "+filepath.Join(dir, "id")+
			"\nset statefile "+filepath.Join(dir, "state.monit")+"\ninclude "+check+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(monit, "-t", "-c", rc).CombinedOutput(); err != nil {
			t.Errorf("monit -t: %v\n%s", err, out)
		}
	})

	t.Run("dpkg-deb", func(t *testing.T) {
		dd, err := exec.LookPath("dpkg-deb")
		if err != nil {
			t.Skip("dpkg-deb is not installed")
		}
		out, err := exec.Command(dd, "--field", path, "Package", "Version", "Architecture").CombinedOutput()
		want := fmt.Sprintf("Package: wsgate\nVersion: 9.8.7~rc1\nArchitecture: %s\n", arch)
		if err != nil || string(out) != want {
			t.Errorf("dpkg-deb --field: %v\n%s\nwant\n%s", err, out, want)
		}
		out, err = exec.Command(dd, "--contents", path).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(" ./usr/bin/wsgate\n")) {
			t.Errorf("dpkg-deb --contents: %v\n%s", err, out)
		}
	})
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == os.DevNull {
		t.Fatalf("go env GOMOD: %v %q", err, out)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// readAr returns the members of a Debian package (an ar archive).
func readAr(t *testing.T, path string) map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("!<arch>\n")) {
		t.Fatalf("%s is not an ar archive", path)
	}
	members := map[string][]byte{}
	var order []string
	for rest := raw[8:]; len(rest) > 0; {
		if len(rest) < 60 {
			t.Fatalf("truncated ar header")
		}
		name := strings.TrimSuffix(strings.TrimSpace(string(rest[:16])), "/")
		size, err := strconv.Atoi(strings.TrimSpace(string(rest[48:58])))
		if err != nil || 60+size > len(rest) {
			t.Fatalf("bad ar member %q", name)
		}
		members[name] = rest[60 : 60+size]
		order = append(order, name)
		rest = rest[60+size:]
		if size%2 == 1 && len(rest) > 0 {
			rest = rest[1:]
		}
	}
	if strings.Join(order, " ") != "debian-binary control.tar.gz data.tar.gz" {
		t.Fatalf("ar members %v, want debian-binary control.tar.gz data.tar.gz", order)
	}
	return members
}

// readTarGz returns the entries of a gzipped tar archive by name.
func readTarGz(t *testing.T, b []byte) map[string]entry {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	entries := map[string]entry{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := hdr.Name
		if !strings.HasPrefix(name, "./") && name != "." {
			name = "./" + name
		}
		if strings.HasPrefix(name, "./") && !strings.Contains(name[2:], "/") && hdr.Typeflag == tar.TypeReg {
			entries[name[2:]] = entry{hdr, body} // control members by bare name
		}
		entries[name] = entry{hdr, body}
	}
}

// parseControl reads the fields of a control file (continuation lines
// folded into the field).
func parseControl(t *testing.T, b []byte) map[string]string {
	t.Helper()
	fields := map[string]string{}
	var last string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") && last != "" {
			fields[last] += "\n" + line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("control line %q", line)
		}
		last = k
		fields[k] = strings.TrimSpace(v)
	}
	return fields
}

// parseUnit reads a systemd unit into Section.Key -> value (the last
// assignment wins, as it does for most keys).
func parseUnit(t *testing.T, b []byte) map[string]string {
	t.Helper()
	unit := map[string]string{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("unit line %q", line)
			}
			unit[section+"."+strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return unit
}
