package store

import (
	"context"
	"database/sql/driver"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func cadProbeCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZProbeCadenceReads(t *testing.T) {
	p := os.Getenv("SAMWISE_CADENCE_PROBE_DB")
	if p == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	qs := map[string]string{
		"stk5":      `SELECT s.account_id, s.id, s.name, s.level, s.created_at FROM stakeholders s WHERE +s.org_id = $1 AND s.active = 1`,
		"stk4":      `SELECT s.account_id, s.id, s.level, s.created_at FROM stakeholders s WHERE +s.org_id = $1 AND s.active = 1`,
		"stk4lvint": `SELECT s.account_id, s.id, CASE s.level WHEN 'executive' THEN 0 WHEN 'senior_management' THEN 1 WHEN 'middle_management' THEN 2 ELSE 3 END, s.created_at FROM stakeholders s WHERE +s.org_id = $1 AND s.active = 1`,
		"stk2pack":  `SELECT s.id, s.account_id*4 + CASE s.level WHEN 'executive' THEN 0 WHEN 'senior_management' THEN 1 WHEN 'middle_management' THEN 2 ELSE 3 END, s.created_at FROM stakeholders s WHERE +s.org_id = $1 AND s.active = 1`,
		"stk1":      `SELECT s.id FROM stakeholders s WHERE +s.org_id = $1 AND s.active = 1`,
		"chk3":      `SELECT stakeholder_id, last_at, prev_at FROM cadence_checkins WHERE org_id = $1`,
		"acc3":      `SELECT id, name, COALESCE(owner_id, 0) FROM accounts WHERE org_id = $1`,
		"acc3scan":  `SELECT id, name, COALESCE(owner_id, 0) FROM accounts WHERE +org_id = $1`,
		"acc2scan":  `SELECT id, COALESCE(owner_id, 0) FROM accounts WHERE +org_id = $1`,
		"tiers":     `SELECT account_id, tier FROM portfolio_accounts WHERE org_id = $1 AND tier <> ''`,
		"stkjoin":   `SELECT s.account_id, s.id, s.level, s.created_at, COALESCE(c.last_at, 0), COALESCE(c.prev_at, 0) FROM stakeholders s LEFT JOIN cadence_checkins c ON c.org_id = s.org_id AND c.stakeholder_id = s.id WHERE +s.org_id = $1 AND s.active = 1`,
	}
	for _, name := range []string{"stk5", "stk4", "stk4lvint", "stk2pack", "stk1", "chk3", "acc3", "acc3scan", "acc2scan", "tiers", "stkjoin"} {
		for range 3 {
			c0, w0 := cadProbeCPU(), time.Now()
			n := 0
			err := db.read(ctx, func(tx *Tx) error {
				rows, err := tx.Query(qs[name], int64(1))
				if err != nil {
					return err
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				dest := make([]any, len(cols))
				vals := make([]any, len(cols))
				for i := range dest {
					dest[i] = &vals[i]
				}
				for rows.Next() {
					if err := rows.Scan(dest...); err != nil {
						return err
					}
					n++
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-10s rows %d wall %v cpu %v", name, n, time.Since(w0).Round(time.Millisecond), (cadProbeCPU() - c0).Round(time.Millisecond))
		}
		for range 2 {
			c0, w0 := cadProbeCPU(), time.Now()
			n := 0
			conn, err := db.r.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = conn.Raw(func(dc any) error {
				rows, err := dc.(driver.QueryerContext).QueryContext(ctx, qs[name], []driver.NamedValue{{Ordinal: 1, Value: int64(1)}})
				if err != nil {
					return err
				}
				defer rows.Close()
				dest := make([]driver.Value, len(rows.Columns()))
				for {
					if err := rows.Next(dest); err == io.EOF {
						break
					} else if err != nil {
						return err
					}
					n++
				}
				return nil
			})
			conn.Close()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-10s RAW rows %d wall %v cpu %v", name, n, time.Since(w0).Round(time.Millisecond), (cadProbeCPU() - c0).Round(time.Millisecond))
		}
	}
}
