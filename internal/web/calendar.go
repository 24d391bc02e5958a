package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// Personal calendar feeds: /calendar/{secret}.ics lists the check-ins due
// and the business reviews scheduled on the accounts its owner owns or is
// on the team of, for Google Calendar, Outlook and Apple Calendar to
// subscribe to. The URL is the credential (calendar apps cannot sign in),
// so it carries a 256-bit secret, is shown once, and can be revoked or
// replaced on /me.
//
// Every event is an all-day event (DTSTART;VALUE=DATE): due days and review
// days are calendar days, the same in every zone, so the feed needs no
// VTIMEZONE and no app shifts them across midnight. UIDs are stable — one
// per stakeholder's check-in, one per review — so a subscribed calendar
// moves an event when the day changes instead of duplicating it. Overdue
// check-ins and late reviews are shown on today, marked as such: an event
// left on a past day would go unseen.

func (h *handler) calendarPages(handle handleFunc) {
	handle("GET /calendar/{file}", access.Public, h.calendarFeed)
	handle("POST /me/calendar", access.ManageOwnTokens, h.createCalendarFeed)
	handle("POST /me/calendar/revoke", access.ManageOwnTokens, h.revokeCalendarFeed)
}

// calendarEvent is one all-day event of a feed.
type calendarEvent struct {
	UID         string
	Day         account.Date
	Summary     string
	Description string
	URL         string
}

// calendarICS renders events as an iCalendar document.
func calendarICS(name string, events []calendarEvent, now time.Time) string {
	cal := ics.NewCalendarFor("samwise")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range events {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(now.UTC())
		ev.SetAllDayStartAt(e.Day.Time())
		ev.SetAllDayEndAt(e.Day.AddDays(1).Time())
		ev.SetSummary(e.Summary)
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		ev.SetTimeTransparency(ics.TransparencyTransparent) // reminders, not busy time
	}
	return cal.Serialize()
}

// baseURL is the address the request came to, for links in feeds and mail.
func (h *handler) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if h.trustProxy && r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *handler) calendarFeed(w http.ResponseWriter, r *http.Request) {
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no such page."))
		return
	}
	ctx := r.Context()
	_, u, err := h.db.CalendarFeedBySecret(ctx, secret)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := account.Scope{OrgID: u.OrgID, UserID: u.ID, Actor: "calendar feed of " + u.Email}
	var events []calendarEvent
	if u.PersonID != nil {
		if events, err = h.calendarEvents(r, sc, *u.PersonID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Content-Disposition", `inline; filename="samwise.ics"`)
	_, _ = w.Write([]byte(calendarICS("samwise: "+u.Name, events, h.now())))
}

// calendarEvents are a person's due check-ins and scheduled reviews.
func (h *handler) calendarEvents(r *http.Request, sc account.Scope, personID int64) ([]calendarEvent, error) {
	ctx := r.Context()
	loc := h.loc()
	today := cadence.Day(h.now(), loc)
	base := h.baseURL(r)
	host := r.Host
	rows, _, err := h.db.Adherence(ctx, sc, store.CadenceScope{PersonID: personID}, loc, today)
	if err != nil {
		return nil, err
	}
	store.SortRows(rows)
	var out []calendarEvent
	for _, row := range rows {
		e := calendarEvent{UID: fmt.Sprintf("checkin-%d-%d@%s", sc.OrgID, row.StakeholderID, host), Day: row.NextDue,
			Summary:     "Check in with " + row.Name + " (" + row.AccountName + ")",
			Description: fmt.Sprintf("%s at %s, every %s.", account.Label(row.Level), row.AccountName, days(row.Interval.Days)),
			URL:         base + accountURL(row.AccountID) + "#cadence"}
		if !row.LastTouch.IsZero() {
			e.Description += " Last check-in " + row.LastTouch.String() + "."
		}
		if row.State == cadence.Overdue {
			e.Day = today
			e.Summary = "Overdue: " + e.Summary
			e.Description += " Was due " + row.NextDue.String() + "."
		}
		out = append(out, e)
	}
	reviews, _, err := h.db.Reviews(ctx, sc, store.ReviewFilter{PersonID: personID, Status: cadence.ReviewScheduled, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return nil, err
	}
	names, err := h.db.ReviewAccountNames(ctx, sc, reviewAccountIDs(reviews))
	if err != nil {
		return nil, err
	}
	for _, rv := range reviews {
		e := calendarEvent{UID: fmt.Sprintf("review-%d-%d@%s", sc.OrgID, rv.ID, host), Day: rv.ScheduledOn,
			Summary: rv.Kind.Label() + ": " + names[rv.AccountID], Description: rv.Agenda,
			URL: fmt.Sprintf("%s/reviews/%d", base, rv.ID)}
		if rv.State(today) == cadence.ReviewLate {
			e.Day = today
			e.Summary = "Late: " + e.Summary
			e.Description = strings.TrimSpace("Scheduled for " + rv.ScheduledOn.String() + ". " + rv.Agenda)
		}
		out = append(out, e)
	}
	return out, nil
}

// createCalendarFeed makes (or replaces) the signed-in user's feed and
// shows its URL on /me, this once.
func (h *handler) createCalendarFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	if !p.SignedIn() {
		h.fail(w, r, account.Errorf(account.EUNAUTHORIZED, "Sign in first."))
		return
	}
	if p.ViaToken() {
		h.fail(w, r, account.Errorf(account.EFORBIDDEN, "An API token cannot create calendar feeds."))
		return
	}
	secret, _, err := h.db.CreateCalendarFeed(ctx, h.guard.Scope(ctx), p.User.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.meView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.CalendarURL = h.baseURL(r) + "/calendar/" + secret + ".ics"
	v.CalendarWebcal = "webcal://" + strings.TrimPrefix(strings.TrimPrefix(v.CalendarURL, "https://"), "http://")
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusCreated, "me", v)
}

func (h *handler) revokeCalendarFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p := auth.FromContext(ctx)
	if !p.SignedIn() {
		h.fail(w, r, account.Errorf(account.EUNAUTHORIZED, "Sign in first."))
		return
	}
	if err := h.db.RevokeCalendarFeed(ctx, h.guard.Scope(ctx), p.User.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/me?done=calendar-revoked#calendar", http.StatusSeeOther)
}
