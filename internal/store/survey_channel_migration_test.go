package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
)

// Migration 00018 gives survey answers a channel. Answers recorded before
// it by RecordReceivedAnswer kept their channel as a note in front of the
// comment and in their audit entry: they get the channel from the audit
// entry and their comment back as typed. Answers through a link — even one
// whose comment happens to start like a note — and answers recorded
// without a channel stay 'link'. Down puts the notes back.
func TestMigrationGivesEarlierRecordedAnswersTheirChannel(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			check := func(t *testing.T, err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			db := freshDatabase(t, d)
			p, err := db.provider()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 17); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { return now }
			org := account.Organisation{Name: "Org", Slug: "org"}
			check(t, db.CreateOrganisation(ctx, &org))
			sc := account.Scope{OrgID: org.ID, Actor: "test"}
			a := account.Account{Name: "Acme", Lifecycle: account.Customer}
			check(t, db.CreateAccount(ctx, sc, &a))
			camp := measure.Campaign{Name: "NPS", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(9)}
			check(t, db.CreateCampaign(ctx, sc, &camp))

			// The answers as the code before 00018 wrote them: the
			// response, and its audit entry.
			type row struct {
				name, stored, action, auditChannel string
				wantChannel, wantComment           string
			}
			rows := []row{
				{"on paper with a comment", "(on paper) Invoices are wrong", "record", "paper", "paper", "Invoices are wrong"},
				{"by phone without a comment", "(by phone)", "record", "phone", "phone", ""},
				{"received otherwise", "(received otherwise) At the fair", "record", "other", "other", "At the fair"},
				{"through the link, a comment like a note", "(on paper) I prefer paper", "answer", "", "link", "(on paper) I prefer paper"},
				{"recorded without a channel (demo)", "Fine", "record", "", "link", "Fine"},
			}
			ids := make([]int64, len(rows))
			contacts := make([]int64, len(rows))
			for i, r := range rows {
				s := account.Stakeholder{AccountID: a.ID, Name: r.name, Level: account.Executive, Active: true}
				check(t, db.CreateStakeholder(ctx, sc, &s))
				contacts[i] = s.ID
			}
			check(t, db.write(ctx, func(tx *Tx) error {
				for i, r := range rows {
					if err := tx.QueryRow(`INSERT INTO survey_responses (org_id, campaign_id, account_id, stakeholder_id, score, comment, answered_at)
						VALUES ($1, $2, $3, $4, 9, $5, $6) RETURNING id`, org.ID, camp.ID, a.ID, contacts[i], r.stored, ms(now)).Scan(&ids[i]); err != nil {
						return err
					}
					changes := map[string]Change{"score": {New: 9}, "comment": {New: r.stored}}
					if r.auditChannel != "" {
						changes["channel"] = Change{New: r.auditChannel}
					}
					if err := tx.auditRaw(sc, r.action, "survey_response", ids[i], a.ID, changes); err != nil {
						return err
					}
				}
				return nil
			}))

			read := func(id int64, cols string, dst ...any) {
				t.Helper()
				if err := db.w.QueryRowContext(ctx, `SELECT `+cols+` FROM survey_responses WHERE org_id = $1 AND id = $2`, org.ID, id).Scan(dst...); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := p.UpTo(ctx, 18); err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				var channel, comment string
				read(ids[i], `channel, comment`, &channel, &comment)
				if channel != r.wantChannel || comment != r.wantComment {
					t.Errorf("up, %s: channel %q, comment %q; want %q, %q", r.name, channel, comment, r.wantChannel, r.wantComment)
				}
			}
			if _, err := db.w.ExecContext(ctx, `UPDATE survey_responses SET channel = 'fax' WHERE id = $1`, ids[0]); err == nil {
				t.Error("a channel outside link, paper, phone, other was accepted")
			}

			if _, err := p.DownTo(ctx, 17); err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				var comment string
				read(ids[i], `comment`, &comment)
				if comment != r.stored {
					t.Errorf("down, %s: comment %q, want %q again", r.name, comment, r.stored)
				}
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// freshDatabase opens an empty, unmigrated database of dialect d: a new
// SQLite file, or a new PostgreSQL database on the server
// SAMWISE_TEST_POSTGRES_URL names (dropped at the end).
func freshDatabase(t *testing.T, d Dialect) *DB {
	t.Helper()
	ctx := context.Background()
	u := filepath.Join(t.TempDir(), "samwise.db")
	if d == Postgres {
		base := os.Getenv("SAMWISE_TEST_POSTGRES_URL")
		if base == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("SAMWISE_TEST_POSTGRES_URL is not set: in CI the PostgreSQL tests must run")
			}
			t.Skip("SAMWISE_TEST_POSTGRES_URL is not set")
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		name := fmt.Sprintf("samwise_test_migration_%d", rand.Uint32())
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatalf("create test database: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop test database %s: %v", name, err)
			}
		})
		pu, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		pu.Path = "/" + name
		u = pu.String()
	}
	db, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
