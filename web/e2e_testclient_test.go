package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The test client in a real browser: log in, choose a service and a
// function, call it over REST with a token made for the session, then
// over SOAP with that token; add an item to a list; and check the page at
// desktop and phone width, with screenshots of both.
func TestBrowserTestClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sv := f.testService()
	b := newBrowser(t, f.srv.URL)

	b.do("log in",
		chromedp.Navigate(b.base+"/admin/testclient"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), adminPassword),
		chromedp.Click(css("#login")),
		chromedp.WaitVisible(css("#choose")))
	b.do("choose the service, then the function",
		chromedp.SetValue(css("#service"), itoa(sv.ID)),
		chromedp.Click(css("#choose")),
		chromedp.WaitVisible(css("#function")),
		chromedp.SetValue(css("#function"), "core_webservice_get_site_info"),
		chromedp.Click(css("#choose")),
		chromedp.WaitVisible(css("#tc-call")))

	b.do("call over REST",
		chromedp.SetValue(css("#tc-protocol"), "rest-json"),
		chromedp.SetValue(css("#tc-token"), "new"),
		chromedp.Click(css("#tc-call")),
		chromedp.WaitVisible(css("#tc-answer")))
	b.wantAnswer("REST", `"sitename": "Test site"`, `"username": "admin"`)
	b.screenshot("testclient-rest-desktop")

	b.do("call over SOAP",
		chromedp.Navigate(b.base+tcPage(sv, "core_webservice_get_site_info")),
		chromedp.WaitVisible(css("#tc-call")),
		chromedp.SetValue(css("#tc-protocol"), "soap"),
		chromedp.SetValue(css("#tc-token"), "session"),
		chromedp.Click(css("#tc-call")),
		chromedp.WaitVisible(css("#tc-answer")))
	b.wantAnswer("SOAP", "<core_webservice_get_site_infoResponse", "<sitename>Test site</sitename>")
	if curl := run(b, "curl", chromedp.Text(css("#tc-curl"))); !strings.Contains(curl, "SOAPAction: ") {
		b.fail("SOAP curl command", fmt.Errorf("%s", curl))
	}
	b.screenshot("testclient-soap-desktop")

	b.do("add an item to a list",
		chromedp.Navigate(b.base+tcPage(sv, "core_user_create_users")),
		chromedp.WaitVisible(css("#p-users-0-username")),
		chromedp.SendKeys(css("#p-users-0-username"), "kept"),
		chromedp.Click(css("#p-users-add")),
		chromedp.WaitVisible(css("#p-users-1-username")))
	if v := run(b, "entered value", chromedp.Value(css("#p-users-0-username"))); v != "kept" {
		b.fail("value after adding an item", fmt.Errorf("%q", v))
	}

	b.do("phone width", chromedp.EmulateViewport(375, 740))
	b.do("SOAP at phone width",
		chromedp.Navigate(b.base+tcPage(sv, "core_webservice_get_site_info")),
		chromedp.WaitVisible(css("#tc-call")),
		chromedp.SetValue(css("#tc-protocol"), "soap"),
		chromedp.SetValue(css("#tc-token"), "session"),
		chromedp.Click(css("#tc-call")),
		chromedp.WaitVisible(css("#tc-answer")))
	b.wantAnswer("SOAP", "<sitename>Test site</sitename>")
	if w := run(b, "measure", chromedp.Evaluate[int64](`document.documentElement.scrollWidth - 375`)); w > 0 {
		b.fail("phone width of the test client", fmt.Errorf("the page is %dpx wider than a 375px screen", w))
	}
	b.screenshot("testclient-soap-phone")
}

// wantAnswer fails unless the answer shown has status 200 and holds parts.
func (b *browser) wantAnswer(protocol string, parts ...string) {
	b.t.Helper()
	if status := run(b, protocol+" status", chromedp.Text(css("#tc-status"))); status != "200 OK" {
		b.fail(protocol+" status", fmt.Errorf("%q", status))
	}
	answer := run(b, protocol+" answer", chromedp.Text(css("#tc-answer")))
	for _, p := range parts {
		if !strings.Contains(answer, p) {
			b.fail(protocol+" answer", fmt.Errorf("lacks %q:\n%s", p, answer))
		}
	}
}
