package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// portfolioDeliverablesCmd is `samwise portfolio deliverables`: the account
// teams' deliverables that need attention (stale, due soon, missing), as on
// /team; with --account, one account's whole team.
type portfolioDeliverablesCmd struct {
	Org     string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
	Account int64  `help:"Show this account's team and every deliverable instead." placeholder:"ACCOUNT-ID"`
	JSON    bool   `name:"json" help:"Print JSON."`
}

type deliverableLine struct {
	AccountID   int64         `json:"account_id"`
	AccountName string        `json:"account_name"`
	Role        string        `json:"role"`
	People      []string      `json:"people,omitempty"`
	Title       string        `json:"title"`
	Link        string        `json:"link,omitempty"`
	Owner       string        `json:"owner,omitempty"`
	UpdatedOn   *account.Date `json:"updated_on,omitempty"`
	DueOn       *account.Date `json:"due_on,omitempty"`
	State       string        `json:"state"`
}

func (c *portfolioDeliverablesCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	people, err := db.AllPeople(e.ctx, sc)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, p := range people {
		names[p.ID] = p.Name
	}
	today := account.DateOf(time.Now())
	date := func(d account.Date) *account.Date {
		if d.IsZero() {
			return nil
		}
		return &d
	}
	var lines []deliverableLine
	if c.Account != 0 {
		a, err := db.Account(e.ctx, sc, c.Account)
		if err != nil {
			return err
		}
		seats, err := db.TeamSeats(e.ctx, sc, a.ID)
		if err != nil {
			return err
		}
		ds, err := db.Deliverables(e.ctx, sc, a.ID)
		if err != nil {
			return err
		}
		owner := int64(0)
		if a.OwnerID != nil {
			owner = *a.OwnerID
		}
		for _, s := range staffing.Slots(owner, seats, ds, today) {
			l := deliverableLine{AccountID: a.ID, AccountName: a.Name, Role: string(s.Role), Title: staffing.DefaultTitle(s.Role), State: string(s.State)}
			if s.Owner != 0 {
				l.People = append(l.People, names[s.Owner]+" (owner)")
			}
			for _, st := range s.Seats {
				n := names[st.PersonID]
				if st.AsNeeded {
					n += " (as needed)"
				}
				l.People = append(l.People, n)
			}
			if d := s.Deliverable; d != nil {
				l.Title, l.Link, l.UpdatedOn, l.DueOn = d.Title, d.Link, date(d.UpdatedOn), date(d.DueOn())
				if d.OwnerID != nil {
					l.Owner = names[*d.OwnerID]
				}
			}
			lines = append(lines, l)
		}
	} else {
		items, err := db.DeliverablesNeedingAttention(e.ctx, sc, today.AddDays(staffing.DueSoonDays), 0, 500)
		if err != nil {
			return err
		}
		for _, it := range items {
			l := deliverableLine{AccountID: it.AccountID, AccountName: it.AccountName, Role: string(it.Role), Title: it.Title,
				Link: it.Link, UpdatedOn: date(it.UpdatedOn), DueOn: date(it.DueOn()), State: string(staffing.Missing)}
			if it.Recorded {
				l.State = string(it.State(today))
			}
			if it.OwnerID != nil {
				l.Owner = names[*it.OwnerID]
			}
			lines = append(lines, l)
		}
	}
	if c.JSON {
		if lines == nil {
			lines = []deliverableLine{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(lines)
	}
	if len(lines) == 0 {
		_, err := fmt.Fprintln(e.stdout, "Every deliverable is current.")
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if c.Account != 0 {
		fmt.Fprintln(tw, "ROLE\tPEOPLE\tDELIVERABLE\tOWNER\tUPDATED\tDUE\tSTATE")
		for _, l := range lines {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", account.Label(l.Role), joinOr(l.People, "-"), withLink(l.Title, l.Link),
				orDash(l.Owner), dateText(l.UpdatedOn), dateText(l.DueOn), orDash(l.State))
		}
	} else {
		fmt.Fprintln(tw, "ACCOUNT\tROLE\tDELIVERABLE\tOWNER\tUPDATED\tDUE\tSTATE")
		for _, l := range lines {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.AccountName, account.Label(l.Role), withLink(l.Title, l.Link),
				orDash(l.Owner), dateText(l.UpdatedOn), dateText(l.DueOn), l.State)
		}
	}
	return tw.Flush()
}

func joinOr(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	out := ss[0]
	for _, s := range ss[1:] {
		out += ", " + s
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func withLink(title, link string) string {
	if link == "" {
		return title
	}
	return title + " <" + link + ">"
}

func dateText(d *account.Date) string {
	if d == nil {
		return "-"
	}
	return d.String()
}
