package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

var calendarURLRE = regexp.MustCompile(`id="calendar-url"[^>]*value="([^"]+)"`)

// A signed-in person makes a calendar feed on My account, sees its address
// once, a calendar app (no cookies) fetches it, and after revoking it the
// address is gone.
func TestACalendarFeedMadeOnMyAccountWorksWithoutSignInUntilRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		s := newSite(t, d)
		p := s.person("Ann Lee")
		s.account("Acme", p.ID)
		ann := s.user("ann", auth.RoleAccountManager, p.ID)
		b := s.browser()
		b.signIn(ann.Email)
		if a := b.get("/me"); !strings.Contains(a.body, "Create my calendar feed") {
			t.Fatal("My account offers no calendar feed")
		}
		a := b.post("/me/calendar", url.Values{})
		wantStatus(t, "create feed", a, http.StatusCreated)
		m := calendarURLRE.FindStringSubmatch(a.body)
		if m == nil || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("no feed address shown, or cacheable (%q)", a.header.Get("Cache-Control"))
		}
		feed, err := url.Parse(m[1])
		if err != nil || !strings.HasPrefix(feed.Path, "/calendar/swc_") || !strings.HasSuffix(feed.Path, ".ics") {
			t.Fatalf("feed address %q", m[1])
		}
		again := b.get("/me")
		if strings.Contains(again.body, feed.Path) || !strings.Contains(again.body, "Make a new address") {
			t.Error("the address is shown again, or the feed is not listed")
		}
		app := s.browser() // a calendar app: no session
		res := app.get(feed.Path)
		wantStatus(t, "fetch feed", res, http.StatusOK)
		if !strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") || !strings.Contains(res.body, "BEGIN:VCALENDAR") {
			t.Errorf("feed %q: %.200s", res.header.Get("Content-Type"), res.body)
		}
		a = b.post("/me/calendar/revoke", url.Values{})
		if a.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", a.status)
		}
		if res := app.get(feed.Path); res.status != http.StatusNotFound {
			t.Errorf("revoked feed: %d", res.status)
		}
		// A token cannot make feeds.
		if res := s.script("sw_nonsense").post("/me/calendar", url.Values{}); res.status < 400 {
			t.Errorf("anonymous script made a feed: %d", res.status)
		}
	})
}
