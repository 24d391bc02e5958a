package store

import (
	"context"
	"time"
)

// Background jobs that must run once per period across every instance
// sharing the database (migration 00007, table job_runs). The first
// instance to insert the (job, period) row holds it for a lease; if it
// dies without finishing, another takes the run over once the lease has
// run out. Each claim is one conditional statement, atomic on both
// databases: INSERT … ON CONFLICT DO NOTHING, then UPDATE … WHERE the lease
// expired; the affected-row count says who won.

// ClaimJob tries to take the run of job for period for holder (an
// instance's name) until now + lease. It reports whether holder now holds
// it: false when the run is finished, or another holder's lease is live.
func (db *DB) ClaimJob(ctx context.Context, job, period, holder string, lease time.Duration) (bool, error) {
	var won bool
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`INSERT INTO job_runs (job, period, holder, lease_until, started_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (job, period) DO NOTHING`, job, period, holder, ms(tx.now.Add(lease)), ms(tx.now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			won = n == 1
			return err
		}
		res, err = tx.Exec(`UPDATE job_runs SET holder = $1, lease_until = $2, started_at = $3
			WHERE job = $4 AND period = $5 AND done_at = 0 AND (lease_until < $6 OR holder = $1)`,
			holder, ms(tx.now.Add(lease)), ms(tx.now), job, period, ms(tx.now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// FinishJob marks holder's run of job for period done: nobody runs it again.
func (db *DB) FinishJob(ctx context.Context, job, period, holder string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE job_runs SET done_at = $1 WHERE job = $2 AND period = $3 AND holder = $4`, ms(tx.now), job, period, holder)
		return err
	})
}

// ReleaseJob gives up holder's unfinished run (it failed), so that any
// instance may try again at once.
func (db *DB) ReleaseJob(ctx context.Context, job, period, holder string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE job_runs SET lease_until = 0 WHERE job = $1 AND period = $2 AND holder = $3 AND done_at = 0`, job, period, holder)
		return err
	})
}

// JobDone reports whether the run of job for period is finished.
func (db *DB) JobDone(ctx context.Context, job, period string) (bool, error) {
	var done bool
	err := db.read(ctx, func(tx *Tx) error {
		var at int64
		err := tx.QueryRow(`SELECT done_at FROM job_runs WHERE job = $1 AND period = $2`, job, period).Scan(&at)
		if isNoRows(err) {
			return nil
		}
		done = at != 0
		return err
	})
	return done, err
}

// ClaimDigest records that the reminder digest for person on day is being
// sent and reports whether this caller is the one to send it: false when it
// was sent (or is being sent) already. The key (org, person, day) makes a
// second digest impossible, after a restart or from another instance.
func (db *DB) ClaimDigest(ctx context.Context, orgID, personID int64, day string) (bool, error) {
	var won bool
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`INSERT INTO mail_digests (org_id, person_id, day, sent_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, person_id, day) DO NOTHING`, orgID, personID, day, ms(tx.now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// ForgetDigest undoes ClaimDigest when sending failed, so a later run
// tries again.
func (db *DB) ForgetDigest(ctx context.Context, orgID, personID int64, day string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM mail_digests WHERE org_id = $1 AND person_id = $2 AND day = $3`, orgID, personID, day)
		return err
	})
}
