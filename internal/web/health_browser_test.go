package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/store"
)

// A leader opens an account and sees its health, its churn risk and the
// factors behind it; opens the portfolio's health and the back-test, sees
// the proposed weights and adopts them; on a desktop and on a phone.
func TestBrowserAccountChurnRiskAndBacktestProposedWeights(t *testing.T) {
	ctx := newBrowser(t, 90*time.Second)
	f := newFixture(t, store.SQLite)
	healthHistory(t, f)

	for _, vp := range []struct {
		name string
		act  chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 800)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))},
	} {
		browse(t, ctx, vp.name+" viewport", vp.act)
		navigate(t, ctx, "open Acme", chromedp.Navigate(fmt.Sprintf("%s/accounts/%d#health", f.srv.URL, f.acme.ID)))
		risk := eval[string](t, ctx, `document.querySelector("[data-churn-risk]").textContent`)
		if !strings.HasSuffix(risk, "%") {
			t.Errorf("%s: churn risk %q", vp.name, risk)
		}
		factors := eval[[]string](t, ctx, `[...document.querySelectorAll("[data-risk-factors] li")].map(e => e.innerText)`)
		if len(factors) == 0 || !strings.Contains(strings.Join(factors, "|"), "risk (") {
			t.Errorf("%s: factors %v", vp.name, factors)
		}
		if alert := eval[string](t, ctx, `document.getElementById("health").innerText`); !strings.Contains(alert, "fell from") {
			t.Errorf("%s: no sharp-drop alert in the section", vp.name)
		}
		checkPage(t, ctx, "account health "+vp.name)
		healthShot(t, ctx, "health-account-"+vp.name)

		navigate(t, ctx, "open health", chromedp.Navigate(f.srv.URL+"/health?sort=-risk"))
		if n := eval[int](t, ctx, `document.querySelectorAll(".hl-table tbody tr").length`); n < 3 {
			t.Errorf("%s: %d accounts on /health", vp.name, n)
		}
		checkPage(t, ctx, "health list "+vp.name)
		if vp.name == "phone" {
			// The first screenful: the list goes on for 50 accounts.
			browse(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
			buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			writeShot(t, "health-list-phone", buf)
		} else {
			screenshot(t, ctx, "health-list-"+vp.name)
		}

		navigate(t, ctx, "open the back-test", chromedp.Navigate(f.srv.URL+"/health/backtest"))
		proposed := eval[[]string](t, ctx, `[...document.querySelectorAll("[data-proposed]")].map(e => e.textContent.trim())`)
		if len(proposed) != 7 || !strings.HasSuffix(proposed[0], "%") {
			t.Errorf("%s: proposed weights %v", vp.name, proposed)
		}
		checkPage(t, ctx, "back-test "+vp.name)
		screenshot(t, ctx, "health-backtest-"+vp.name)

		navigate(t, ctx, "open the model", chromedp.Navigate(f.srv.URL+"/health/model"))
		checkPage(t, ctx, "model "+vp.name)
		screenshot(t, ctx, "health-model-"+vp.name)
	}
	navigate(t, ctx, "back-test", chromedp.Navigate(f.srv.URL+"/health/backtest"))
	navigate(t, ctx, "adopt the proposed weights", chromedp.Click(chromedp.ID("adopt-weights")))
	if msg := eval[string](t, ctx, `document.querySelector(".alert-info").innerText`); !strings.Contains(msg, "adopted") {
		t.Errorf("after adopting: %q", msg)
	}
}

// healthShot saves the account page's Health section as a PNG.
func healthShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// The sticky top bar would cover the section's heading.
	browse(t, ctx, "hide the top bar", chromedp.Evaluate[chromedp.Void](`document.querySelector(".topbar").style.visibility = "hidden"`))
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("health")))
	browse(t, ctx, "show the top bar", chromedp.Evaluate[chromedp.Void](`document.querySelector(".topbar").style.visibility = ""`))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	writeShot(t, name, buf)
}
