package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

type cadenceCmd struct {
	Due cadenceDueCmd `cmd:"" help:"List the stakeholders overdue or due soon (and over-contacted) on a person's accounts."`
}

type cadenceDueCmd struct {
	Person string `required:"" help:"E-mail of the person (one of our people) whose accounts to check: those they own or are on the team of." placeholder:"EMAIL"`
	Zone   string `default:"UTC" help:"Time zone whose calendar days count, e.g. Europe/Paris." placeholder:"ZONE"`
	All    bool   `help:"List every stakeholder, on track ones too."`
}

func (c *cadenceDueCmd) Run(e *env) error {
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return account.Invalid("zone", "must be a time zone such as UTC or Europe/Paris")
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	// People are per organisation: find the person by e-mail in each.
	orgs, err := db.Organisations(e.ctx)
	if err != nil {
		return err
	}
	want := strings.ToLower(strings.TrimSpace(c.Person))
	var sc account.Scope
	var person account.Person
	for _, o := range orgs {
		s := account.Scope{OrgID: o.ID, Actor: "cli"}
		people, err := db.AllPeople(e.ctx, s)
		if err != nil {
			return err
		}
		for _, p := range people {
			if p.Email == want {
				if person.ID != 0 {
					return account.Errorf(account.ECONFLICT, "%s is a person in more than one organisation.", want)
				}
				sc, person = s, p
			}
		}
	}
	if person.ID == 0 {
		return account.Errorf(account.ENOTFOUND, "No person has the e-mail %s.", want)
	}
	today := cadence.Day(db.Now(), loc)
	rows, _, err := db.Adherence(e.ctx, sc, store.CadenceScope{PersonID: person.ID}, loc, today)
	if err != nil {
		return err
	}
	store.SortRows(rows)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "STATE\tDUE\tDAYS\tSTAKEHOLDER\tACCOUNT\tLAST CHECK-IN\tEVERY\tFROM")
	shown := 0
	for _, r := range rows {
		if !c.All && r.State == cadence.OnTrack && !r.OverContacted {
			continue
		}
		state := r.State.Label()
		if r.OverContacted {
			state += ", over-contacted"
		}
		last := r.LastTouch.String()
		if last == "" {
			last = "never"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%d days\t%s\n", state, r.NextDue, r.DaysLeft, r.Name, r.AccountName, last,
			r.Interval.Days, strings.ReplaceAll(string(r.Interval.Source), "_", " "))
		shown++
	}
	if err := w.Flush(); err != nil {
		return err
	}
	// Business reviews of the same accounts: late, or within 30 days.
	reviews, _, err := db.Reviews(e.ctx, sc, store.ReviewFilter{PersonID: person.ID, Status: cadence.ReviewScheduled,
		To: today.AddDays(30), Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return err
	}
	if len(reviews) > 0 {
		names, err := db.ReviewAccountNames(e.ctx, sc, reviewAccounts(reviews))
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
		w = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "REVIEW	SCHEDULED	STATE	ACCOUNT")
		for _, r := range reviews {
			state := r.State(today).Label()
			if n := r.DaysLate(today); n > 0 {
				state = fmt.Sprintf("%s, %d days", state, n)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Kind.Label(), r.ScheduledOn, state, names[r.AccountID])
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	t := cadence.Total(rows)
	fmt.Fprintf(e.stderr, "%s, %s: %d of %d stakeholders listed; %d overdue, %d due soon, %d over-contacted; adherence %.0f%%.\n",
		person.Name, today, shown, t.Stakeholders, t.Overdue, t.DueSoon, t.OverContacted, t.Percent())
	return nil
}

func reviewAccounts(rs []cadence.Review) []int64 {
	var ids []int64
	for _, r := range rs {
		ids = append(ids, r.AccountID)
	}
	return ids
}
