package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedFields adds this feature's demo records (idempotent): three custom
// fields with values on most accounts and stakeholders, and an import
// history with every state a batch can have — done, checked (dry run),
// rejected and undone.
func SeedFields(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	existing, err := db.CustomFields(ctx, sc, "")
	if err != nil || len(existing) > 0 {
		return err
	}
	plan := exchange.CustomField{Entity: "account", Label: "Support plan", Type: "choice", Choices: []string{"Platinum", "Gold", "Silver"}}
	seats := exchange.CustomField{Entity: "account", Label: "Licensed seats", Key: "seats", Type: "number"}
	renewal := exchange.CustomField{Entity: "account", Label: "Next QBR", Key: "next_qbr", Type: "date"}
	channel := exchange.CustomField{Entity: "stakeholder", Label: "Preferred channel", Key: "channel", Type: "choice", Choices: []string{"E-mail", "Phone", "In person"}}
	for _, f := range []*exchange.CustomField{&plan, &seats, &renewal, &channel} {
		if err := db.SaveCustomField(ctx, sc, f); err != nil {
			return fmt.Errorf("custom field %s: %w", f.Label, err)
		}
	}
	accounts, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return err
	}
	for i, a := range accounts {
		if i%5 == 4 {
			continue // some accounts have no values: the list sorts them last
		}
		vals := map[string]string{
			"support_plan": plan.Choices[int(a.ID)%3],
			"seats":        fmt.Sprint(25 * (1 + int(a.ID*7)%40)),
			"next_qbr":     now.AddDate(0, 0, 7+int(a.ID*13)%80).Format("2006-01-02"),
		}
		if err := db.SetCustomValues(ctx, sc, "account", a.ID, a.ID, vals); err != nil {
			return err
		}
		ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: 3}})
		if err != nil {
			return err
		}
		for j, s := range ss {
			if err := db.SetCustomValues(ctx, sc, "stakeholder", s.ID, a.ID, map[string]string{"channel": channel.Choices[(int(s.ID)+j)%3]}); err != nil {
				return err
			}
		}
	}
	if len(accounts) < 3 {
		return nil
	}
	// The import history: a CRM file updating support plans by name...
	var good strings.Builder
	good.WriteString("Account Name;Support Plan\n")
	for _, a := range accounts[:3] {
		fmt.Fprintf(&good, "%s;Platinum\n", a.Name)
	}
	bad := good.String() + ";Gold\nNo Such Company Ltd;Bronze\n"
	steps := []struct {
		file, text string
		o          store.ImportOptions
		undo       bool
	}{
		{"crm-support-plans.csv", bad, store.ImportOptions{DryRun: true}, false},
		{"crm-support-plans.csv", bad, store.ImportOptions{}, false},
		{"crm-support-plans-fixed.csv", good.String(), store.ImportOptions{}, false},
		{"new-prospects.csv", "name;domain;lifecycle\nNorthwind Traders;northwind.example;prospect\n", store.ImportOptions{}, true},
	}
	m := exchange.Mapping{Columns: map[string]string{"account name": "name", "support plan": "support_plan"}}
	for _, s := range steps {
		rd, err := exchange.NewReader(strings.NewReader(s.text))
		if err != nil {
			return err
		}
		p, err := exchange.Bind(exchange.Accounts, rd.Header(), m, []string{"support_plan", "seats", "next_qbr"}, exchange.Options{})
		if err != nil {
			return err
		}
		s.o.FileName = s.file
		b, err := db.Import(ctx, sc, p, rd, s.o)
		if err != nil {
			return err
		}
		if s.undo {
			if _, err := db.UndoImport(ctx, sc, b.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
