package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium (the wrapper script); WSGATE_CHROMIUM
// names another binary.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("WSGATE_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing (apt-get install -y chromium): %v", path, err)
		}
		t.Skipf("no browser at %s (apt-get install -y chromium): %v", path, err)
	}
	return path
}

// browser drives one headless chromium tab against base.
type browser struct {
	t    *testing.T
	base string
	tab  context.Context
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // as root, and in containers
		chromedp.Flag("headless", "new"),
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		// The network is closed: no calls home.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelT := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelT(); cancelA() })
	b := &browser{t: t, base: base, tab: tab}
	// The first run starts the browser and opens the tab, for the lifetime of
	// its context: tab itself, not one with a timeout.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// do runs steps, within 20 seconds; on failure it saves a screenshot and
// fails the test.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// run runs one action that returns a value, as do.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// fail saves a screenshot of the page (see save), prints its path, and
// fails the test.
func (b *browser) fail(what string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	png, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if serr != nil {
		b.t.Fatalf("%s: %v (no screenshot: %v)", what, err, serr)
	}
	b.save("failure-"+strings.NewReplacer(" ", "-", "/", "-").Replace(b.t.Name())+".png", png)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	b.t.Fatalf("%s (at %s): %v", what, loc, err)
}

// screenshot saves a screenshot of the whole page as name.png (see save).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.save(name+".png", run(b, "screenshot "+name, chromedp.FullScreenshot(100))) // 100: PNG
}

// save writes png as name in the test's temporary directory and in
// WSGATE_SCREENSHOT_DIR when set (which outlives the test, for CI), and
// logs where.
func (b *browser) save(name string, png []byte) {
	b.t.Helper()
	dirs := []string{b.t.TempDir()}
	if d := os.Getenv("WSGATE_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if werr := os.WriteFile(p, png, 0o644); werr != nil {
			b.t.Logf("save screenshot: %v", werr)
			continue
		}
		b.t.Logf("screenshot: %s", p)
	}
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// The walk through the pages in a real browser: log in, create a
// custom service, add two functions found by searching, authorise a user,
// create a token, call REST with it; disable the service in the page and
// see the call refused. Then check that the pages fit a phone's width.
func TestBrowser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newBrowser(t, f.srv.URL)
	caller := f.users["caller"]

	b.do("log in",
		chromedp.Navigate(b.base+"/admin/services"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.Click(css("#login")),
		chromedp.WaitVisible(css("#add-service")))
	if title := run(b, "title", chromedp.Title()); !strings.HasPrefix(title, "Services") {
		b.fail("title after login", fmt.Errorf("title %q", title))
	}

	b.do("create a custom service",
		chromedp.Click(css("#add-service")),
		chromedp.WaitVisible(css("#name")),
		chromedp.SendKeys(css("#name"), "Browser service"),
		chromedp.SendKeys(css("#shortname"), "browser"),
		chromedp.Click(css("#enabled")),
		chromedp.Click(css("#restrictedusers")),
		chromedp.Click(css("#save")),
		chromedp.WaitVisible(css("#no-functions")))
	loc := run(b, "location", chromedp.Location())
	id := strings.TrimSuffix(strings.TrimPrefix(mustURL(t, loc).Path, "/admin/services/"), "/functions")
	if _, err := strconv.Atoi(id); err != nil {
		b.fail("service id", fmt.Errorf("after creation at %s", loc))
	}

	b.do("add a function found by name",
		chromedp.SendKeys(css("#q"), "site_info"),
		chromedp.Click(css("#search")),
		chromedp.WaitVisible(css("#fn-core_webservice_get_site_info")),
		chromedp.Click(css("#fn-core_webservice_get_site_info")),
		chromedp.Click(css("#add-functions")),
		chromedp.WaitVisible(css("#linked-core_webservice_get_site_info")))
	b.do("add a function found by component and name",
		chromedp.SetValue(css("#component"), "core_user"),
		chromedp.SendKeys(css("#q"), "by_field"),
		chromedp.Click(css("#search")),
		chromedp.WaitVisible(css("#fn-core_user_get_users_by_field")),
		chromedp.Click(css("#fn-core_user_get_users_by_field")),
		chromedp.Click(css("#add-functions")),
		chromedp.WaitVisible(css("#linked-core_user_get_users_by_field")),
		chromedp.WaitVisible(css("#linked-core_webservice_get_site_info")))

	b.do("authorise a user",
		chromedp.Navigate(b.base+"/admin/services/"+id+"/users"),
		chromedp.WaitVisible(css("#authorise-user")),
		chromedp.SetValue(css("#user_id"), itoa(caller.ID)),
		chromedp.SendKeys(css("#iprestriction"), "127.0.0.1, ::1"),
		chromedp.SetValue(css("#validuntil"), "2099-12-31"),
		chromedp.Click(css("#authorise-user")),
		chromedp.WaitVisible(css("#authorised-"+itoa(caller.ID))))

	b.do("create a token",
		chromedp.Navigate(b.base+"/admin/tokens"),
		chromedp.WaitVisible(css("#create-token")),
		chromedp.SetValue(css("#user_id"), itoa(caller.ID)),
		chromedp.SetValue(css("#service_id"), id),
		chromedp.SendKeys(css("#name"), "browser token"),
		chromedp.Click(css("#create-token")),
		chromedp.WaitVisible(css("#token-value")))
	token := strings.TrimSpace(run(b, "read the token", chromedp.Text(css("#token-value"))))
	if len(token) != 32 {
		b.fail("token", fmt.Errorf("token %q", token))
	}

	if got := restCall(t, f.srv.URL, token); !strings.Contains(got, `"sitename":"Test site"`) ||
		!strings.Contains(got, `"username":"caller"`) {
		b.fail("REST call with the new token", fmt.Errorf("answer %s", got))
	}

	b.do("disable the service",
		chromedp.Navigate(b.base+"/admin/services"),
		chromedp.WaitVisible(css("#toggle-"+id)),
		chromedp.Click(css("#toggle-"+id)),
		chromedp.WaitVisible(css(".flash.ok")))
	if msg := run(b, "flash", chromedp.Text(css(".flash.ok"))); !strings.Contains(msg, "disabled") {
		b.fail("disable message", fmt.Errorf("message %q", msg))
	}
	if got := restCall(t, f.srv.URL, token); !strings.Contains(got, `"exception"`) || strings.Contains(got, "sitename") {
		b.fail("REST call to the disabled service", fmt.Errorf("answer %s", got))
	}

	// At a phone's width no page is wider than the screen (wide tables
	// and examples scroll in their own box). The viewport is not emulated
	// as mobile, which would zoom out to fit a page too wide instead.
	b.do("phone width", chromedp.EmulateViewport(375, 740))
	for _, p := range []string{"/admin/", "/admin/services", "/admin/services/" + id + "/functions?q=",
		"/admin/services/" + id + "/users", "/admin/services/" + id + "/docs", "/admin/tokens", "/admin/calls", "/admin/users",
		"/admin/functions/core_user_create_users"} {
		b.do("open "+p, chromedp.Navigate(b.base+p), chromedp.WaitVisible(css("footer")))
		w := run(b, "measure "+p, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - 375`))
		if w > 0 {
			b.fail("phone width of "+p, fmt.Errorf("the page is %dpx wider than a 375px screen", w))
		}
	}
}

// restCall calls core_webservice_get_site_info over REST with token.
func restCall(t *testing.T, base, token string) string {
	t.Helper()
	q := url.Values{"wstoken": {token}, "wsfunction": {"core_webservice_get_site_info"},
		"moodlewsrestformat": {"json"}}
	resp, err := http.PostForm(base+"/webservice/rest/server.php", q)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
