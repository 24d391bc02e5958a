package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/store"
)

// EnvChromium names a Chromium binary to use instead of the first one found
// on PATH; EnvScreenshots names where the browser test writes its
// screenshots (default /tmp/shots).
const (
	EnvChromium    = "SAMWISE_CHROMIUM"
	EnvScreenshots = "SAMWISE_SCREENSHOTS"
)

// chromium finds a Chromium to drive. Without one the browser tests skip —
// except in CI (CI=true), where they must run, so a missing browser fails.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv(EnvChromium), "chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "no Chromium found (install Debian's chromium package, or set " + EnvChromium + " to a Chrome binary)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + ": in CI the browser tests must run")
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile for the test and
// returns a tab context. Everything ends when the test does, or after limit.
func newBrowser(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := chromium(t)
	parent, cancelParent := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancelParent)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the test may run as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start %s: %v", path, err)
	}
	// Record, in every page, Content-Security-Policy violations and uncaught
	// errors, so the test can assert that pages run clean under the policy.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.__problems = [];
		document.addEventListener("securitypolicyviolation", e => window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
		window.addEventListener("error", e => window.__problems.push("error " + e.message));`})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// browse runs steps and fails the test on error, naming what it was doing.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// navigate runs steps that load a new page, waits for it and fails unless
// it loaded successfully.
func navigate(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if status := load(t, ctx, what, steps...); status >= 400 {
		t.Fatalf("%s: status %d", what, status)
	}
}

// load runs steps that load a new page and returns its HTTP status.
func load(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		return 0
	}
	return res.Status
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// checkPage fails on CSP violations, script errors or content wider than the
// window (which would scroll the whole page sideways on a phone).
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if p := eval[[]string](t, ctx, `window.__problems || []`); len(p) > 0 {
		t.Errorf("%s: %v", name, p)
	}
	if w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("%s: page is %dpx wide in a %dpx window", name, w[0], w[1])
	}
}

// screenshot saves the whole page as a PNG for people to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := cmpOr(os.Getenv(EnvScreenshots), "/tmp/shots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// From the top, so the sticky bar is drawn where it belongs.
	browse(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 = PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestBrowserSearchOpenAccountAndLogATouch(t *testing.T) {
	start := time.Now()
	ctx := newBrowser(t, 60*time.Second)
	f := newFixture(t, store.SQLite)

	// Desktop: the list, a search, the account.
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open the account list", chromedp.Navigate(f.srv.URL+"/accounts"))
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("td.cell-title a")].map(a => a.textContent)`); !slices.Equal(got, []string{"Acme Corp", "Globex", "Initech"}) {
		t.Fatalf("list shows %v", got)
	}
	checkPage(t, ctx, "account list")
	screenshot(t, ctx, "accounts-desktop")

	navigate(t, ctx, "search", chromedp.SendKeys(chromedp.ID("q"), "acme\n"))
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll("td.cell-title a")].map(a => a.textContent)`); !slices.Equal(got, []string{"Acme Corp"}) {
		t.Fatalf("search for acme shows %v", got)
	}
	// The script applies a changed filter at once (SetValue fires "change",
	// as choosing an option does).
	navigate(t, ctx, "filter by lifecycle", chromedp.SetValue(chromedp.ID("lifecycle"), "prospect"))
	if loc := eval[string](t, ctx, `location.search`); !strings.Contains(loc, "lifecycle=prospect") || !strings.Contains(loc, "q=acme") {
		t.Errorf("after choosing a lifecycle the URL is %q", loc)
	}
	navigate(t, ctx, "clear filters", chromedp.Click(chromedp.CSS(`.empty a[href="/accounts"]`)))
	navigate(t, ctx, "open Acme", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/accounts/%d"]`, f.acme.ID))))
	if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, "Acme Corp") {
		t.Fatalf("account page title %q", title)
	}
	checkPage(t, ctx, "account page")

	// Log a touch through the form.
	browse(t, ctx, "fill in the touch form",
		chromedp.Click(chromedp.CSS("a[data-open-details]")), // "Log a touch" in the header unfolds the form
		chromedp.WaitVisible(chromedp.ID("touch-summary")),
		chromedp.SetValue(chromedp.ID("touch-kind"), "call"),
		chromedp.SetValue(chromedp.ID("touch-when"), "2026-03-02T11:15"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=stakeholder_ids][value="%d"]`, f.dan.ID))),
		chromedp.SendKeys(chromedp.ID("touch-summary"), "Agreed to pilot the rollout in two plants"),
		chromedp.SendKeys(chromedp.ID("touch-next"), "Book the kickoff"),
	)
	screenshot(t, ctx, "account-desktop-form")
	navigate(t, ctx, "submit the touch", chromedp.Click(chromedp.CSS(`#log-touch button[type=submit]`)))
	loc := eval[string](t, ctx, `location.pathname + location.hash`)
	if !strings.HasPrefix(loc, fmt.Sprintf("/accounts/%d#touch-", f.acme.ID)) {
		t.Fatalf("after logging the touch the browser is at %q", loc)
	}
	entry := eval[string](t, ctx, `(document.querySelector(".tl-touch:target") || {}).innerText || ""`)
	for _, want := range []string{"Call", "2 Mar 2026, 11:15", "Agreed to pilot the rollout in two plants", "Dan Ortiz", "Ann Lee", "Book the kickoff"} {
		if !strings.Contains(entry, want) {
			t.Errorf("the new timeline entry %q lacks %q", entry, want)
		}
	}
	// Touches are newest first: the new call sits above the older meeting.
	if first := eval[string](t, ctx, `document.querySelector(".timeline > li.tl-touch").id`); "#"+first != loc[strings.Index(loc, "#"):] {
		t.Errorf("the newest touch is %q, not the new one", first)
	}
	checkPage(t, ctx, "account page after logging a touch")
	screenshot(t, ctx, "account-desktop")

	// A form submitted with mistakes comes back with the user's input and the
	// summary of what to fix focused; the browser's own validation does not
	// pre-empt the server's messages.
	navigate(t, ctx, "open the new account form", chromedp.Navigate(f.srv.URL+"/accounts/new"))
	browse(t, ctx, "fill in the account form wrongly",
		chromedp.SendKeys(chromedp.ID("domain"), "not a domain/"),
		chromedp.SendKeys(chromedp.ID("employees"), "many"),
	)
	if status := load(t, ctx, "submit the account form", chromedp.Click(chromedp.CSS(`form button[type=submit]`))); status != 422 {
		t.Errorf("invalid account form answered %d, want 422", status)
	}
	if focused := eval[string](t, ctx, `document.activeElement.id`); focused != "form-errors" {
		t.Errorf("focus is on %q, not the error summary", focused)
	}
	if v := eval[string](t, ctx, `document.getElementById("employees").value`); v != "many" {
		t.Errorf("employees field holds %q after the failed submit", v)
	}
	checkPage(t, ctx, "account form with errors")
	screenshot(t, ctx, "account-form-errors-desktop")

	// Phone: the same pages at 390px, with the menu folded.
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	navigate(t, ctx, "open the list on a phone", chromedp.Navigate(f.srv.URL+"/accounts"))
	checkPage(t, ctx, "account list on a phone")
	if shown := eval[bool](t, ctx, `getComputedStyle(document.getElementById("nav")).display !== "none"`); shown {
		t.Error("on a phone the menu should start folded")
	}
	browse(t, ctx, "open the menu", chromedp.Click(chromedp.CSS(".nav-toggle")))
	if shown := eval[bool](t, ctx, `getComputedStyle(document.getElementById("nav")).display !== "none"`); !shown {
		t.Error("the menu button does not open the menu")
	}
	browse(t, ctx, "close the menu", chromedp.Click(chromedp.CSS(".nav-toggle")))
	screenshot(t, ctx, "accounts-phone")
	navigate(t, ctx, "open Acme on a phone", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", f.srv.URL, f.acme.ID)))
	checkPage(t, ctx, "account page on a phone")
	screenshot(t, ctx, "account-phone")
	navigate(t, ctx, "open people on a phone", chromedp.Navigate(f.srv.URL+"/people"))
	checkPage(t, ctx, "people on a phone")
	screenshot(t, ctx, "people-phone")

	t.Logf("browser flow took %v", time.Since(start).Round(time.Millisecond))
}
