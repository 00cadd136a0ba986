// Command wsgate is the gateway's one binary: it serves the protocols and the
// admin API, migrates and upgrades the store, and manages services, users and
// tokens from the command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// Run executes the command line args and returns the exit status: 0 on
// success, 2 for a configuration or usage error, 1 for any other failure.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	// gin's debug mode prints route tables on standard output, which would mix
	// with what commands print there (a token, for one).
	gin.SetMode(gin.ReleaseMode)
	root := newRootCmd(&cli{stdin: stdin, stdout: stdout, stderr: stderr, environ: environ})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "wsgate:", err)
	var ce *ConfigError
	var ue usageError
	msg := err.Error()
	if errors.As(err, &ce) || errors.As(err, &ue) || strings.HasPrefix(msg, "required flag") ||
		strings.HasPrefix(msg, "unknown command") {
		return 2
	}
	return 1
}
