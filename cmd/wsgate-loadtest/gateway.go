package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// manifest binds upstreamFunction to the upstream (%s: its echo URL) and
// adds it to the built-in moodle_mobile_app service.
const manifest = `# written by wsgate-loadtest
functions:
  local_loadtest_echo:
    description: Greets by name (implemented by the load test's HTTP upstream)
    upstream: {url: "%s", timeout: 10s}
    services: [moodle_mobile_app]
    parameters:
      name: {type: RAW, description: a name}
    returns:
      type: single
      keys:
        greeting: {type: RAW, description: the greeting}
        length: {type: INT, description: the name's length}
`

// gateway is a running wsgate serve and how to reach it.
type gateway struct {
	bin, config, dir string
	proc             *proc
	url              string
	token            string
}

var servingLine = regexp.MustCompile(`is serving on (http://\S+)`)

// startGateway writes a configuration naming only the store, the address,
// the extra component, protocols.mcp_max_sessions_per_token (mcpSessions: the
// MCP row opens one session per connection, all by admin's token) and, when
// callLog is false, calllog.enabled: false; starts serve as a user does
// (default log level, its log to dir/wsgate.log), and sets it up through the
// CLI as README's "A first call" does.
func startGateway(ctx context.Context, bin, dir, databaseURL, upstreamURL, cpuProfile string, callLog bool, mcpSessions int) (*gateway, error) {
	comp := filepath.Join(dir, "components", "local_loadtest", "db")
	if err := os.MkdirAll(comp, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(comp, "services.yaml"), fmt.Appendf(nil, manifest, upstreamURL+"/echo"), 0o644); err != nil {
		return nil, err
	}
	extra := fmt.Sprintf("protocols:\n  mcp_max_sessions_per_token: %d\n", mcpSessions)
	if !callLog {
		extra += "calllog:\n  enabled: false\n"
	}
	g, err := startServe(bin, dir, "wsgate", databaseURL, extra, cpuProfile)
	if err != nil {
		return nil, err
	}
	if _, err := g.cli(ctx, "change-me\n", "user", "create", "admin", "--password-stdin", "--role", "admin"); err != nil {
		g.stop()
		return nil, err
	}
	if _, err := g.cli(ctx, "", "service", "enable", "moodle_mobile_app"); err != nil {
		g.stop()
		return nil, err
	}
	out, err := g.cli(ctx, "", "token", "create", "--user", "admin", "--service", "moodle_mobile_app")
	if err != nil {
		g.stop()
		return nil, err
	}
	g.token = strings.TrimSpace(out)
	return g, nil
}

// startServe starts serve on name.yml in dir (the store, the address, the
// components of dir and extra configuration), logging to name.log.
func startServe(bin, dir, name, databaseURL, extra, cpuProfile string) (*gateway, error) {
	g := &gateway{bin: bin, dir: dir, config: filepath.Join(dir, name+".yml")}
	if name == "wsgate" {
		g.config = filepath.Join(dir, "config.yml")
	}
	cfg := fmt.Sprintf("listen: 127.0.0.1:0\ndatabase:\n  url: %q\ncomponents:\n  paths: [%q]\n%s",
		databaseURL, filepath.Join(dir, "components"), extra)
	if err := os.WriteFile(g.config, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	args := []string{"serve", "--config", g.config}
	if cpuProfile != "" {
		args = append(args, "--cpuprofile", cpuProfile)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stderr = dir, logFile
	cmd.Env = cleanEnv()
	g.proc, g.url, err = startProc(name+" serve", cmd, servingLine, time.Minute)
	if err != nil {
		return nil, fmt.Errorf("%w (log in %s)", err, logFile.Name())
	}
	return g, nil
}

// cleanEnv is the environment without WSGATE_* variables, so the gateway
// runs on its defaults and the configuration file alone.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WSGATE_") {
			env = append(env, kv)
		}
	}
	return env
}

// cli runs a wsgate subcommand on the gateway's configuration.
func (g *gateway) cli(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, g.bin, append(args, "--config", g.config)...)
	cmd.Dir, cmd.Env = g.dir, cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("wsgate %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func (g *gateway) stop() {
	if g != nil {
		g.proc.stop()
	}
}

func (g *gateway) pid() int { return g.proc.cmd.Process.Pid }

// mallocs reads the gateway's count of heap allocations from /metrics.
func (g *gateway) mallocs(client *http.Client) (float64, error) {
	resp, err := client.Get(g.url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return parseMetric(resp.Body, "go_memstats_mallocs_total")
}

// parseMetric returns the value of the unlabelled series name in a
// Prometheus text exposition.
func parseMetric(r io.Reader, name string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || !strings.HasPrefix(rest, " ") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			break
		}
		return strconv.ParseFloat(f[0], 64)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no series %s", name)
}

// createPostgres makes a fresh database on the server at admin and returns
// its URL and a function dropping it.
func createPostgres(ctx context.Context, admin string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "wsgate_loadtest_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(dctx, admin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wsgate-loadtest: drop database %s: %v\n", name, err)
			return
		}
		defer c.Close(dctx)
		if _, err := c.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "wsgate-loadtest: drop database %s: %v\n", name, err)
		}
	}
	u, err := url.Parse(admin)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}
