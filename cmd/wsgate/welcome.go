package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"wsgate/services"
)

// PrintWelcome tells a newcomer where the gateway listens and, on a store
// without users, the commands that make a first REST call.
func (a *App) PrintWelcome(w io.Writer) {
	fmt.Fprintf(w, "wsgate %s is serving on %s (store: %s)\n", a.Status.Version, a.URL(), a.DB.Dialect)
	fmt.Fprintf(w, "  status:  curl -s %s/status\n", a.URL())
	users, err := a.store.ListUsers(context.Background(), services.UserFilter{})
	if err != nil || len(users) > 0 {
		return
	}
	bin := binaryPath()
	fmt.Fprintf(w, `
This store has no users yet. Make a first call, from another terminal in this directory:

  printf 'change-me\n' | %[1]s user create admin --password-stdin --role admin
  %[1]s service enable moodle_mobile_app
  TOKEN=$(%[1]s token create --user admin --service moodle_mobile_app)
  curl -s "%[2]s/webservice/rest/server.php?wstoken=$TOKEN&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json"

`, bin, a.URL())
}

// binaryPath is how to run this binary again from the working directory.
func binaryPath() string {
	exe, err := os.Executable()
	if err != nil {
		return "wsgate"
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, exe); err == nil && !strings.HasPrefix(rel, "..") {
			if !strings.Contains(rel, string(filepath.Separator)) {
				return "./" + rel
			}
			return rel
		}
	}
	return exe
}
