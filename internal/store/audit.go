package store

import (
	"context"
	"encoding/json"
	"reflect"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// Change is one field's old and new value in an audit entry.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	ID        int64             `json:"id"`
	At        time.Time         `json:"at"`
	UserID    int64             `json:"user_id"`
	Actor     string            `json:"actor"`
	Action    string            `json:"action"`
	Entity    string            `json:"entity"`
	EntityID  int64             `json:"entity_id"`
	AccountID int64             `json:"account_id"`
	Changes   map[string]Change `json:"changes"`
}

// diff returns the fields whose values differ between old and new, compared
// through their JSON form so that it works for every record type. Either side
// may be nil (a create or a delete). Timestamps kept by the store are left out.
func diff(old, new any) map[string]Change {
	a, b := fields(old), fields(new)
	out := map[string]Change{}
	for k, nv := range b {
		if ov, ok := a[k]; !ok || !reflect.DeepEqual(ov, nv) {
			out[k] = Change{Old: a[k], New: nv}
		}
	}
	for k, ov := range a {
		if _, ok := b[k]; !ok {
			out[k] = Change{Old: ov, New: nil}
		}
	}
	return out
}

func fields(v any) map[string]any {
	if v == nil || reflect.ValueOf(v).IsNil() {
		return nil
	}
	raw, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	delete(m, "created_at")
	delete(m, "updated_at")
	delete(m, "id")
	return m
}

// audit appends one entry to the trail, in the caller's transaction.
func (tx *Tx) audit(sc account.Scope, action, entity string, entityID, accountID int64, old, new any) error {
	changes := diff(old, new)
	if action == "update" && len(changes) == 0 {
		return nil // nothing changed; nothing to record
	}
	return tx.auditRaw(sc, action, entity, entityID, accountID, changes)
}

func (tx *Tx) auditRaw(sc account.Scope, action, entity string, entityID, accountID int64, changes map[string]Change) error {
	raw, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	actor := sc.Actor
	if actor == "" {
		actor = "system"
	}
	_, err = tx.Exec(`INSERT INTO audit (org_id, at, user_id, actor, action, entity, entity_id, account_id, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		sc.OrgID, ms(tx.now), sc.UserID, actor, action, entity, entityID, accountID, string(raw))
	return err
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	account.Page
	Entity    string
	EntityID  int64
	AccountID int64
	UserID    int64
	From, To  time.Time
}

// Audit lists audit entries, newest first by default.
func (db *DB) Audit(ctx context.Context, sc account.Scope, f AuditFilter) ([]AuditEntry, string, error) {
	l := &lister[AuditEntry]{
		table: "audit", orgID: sc.OrgID, def: "-at",
		cols: "id, at, user_id, actor, action, entity, entity_id, account_id, changes",
		scan: func(r rowScanner) (AuditEntry, error) {
			var e AuditEntry
			var at int64
			var changes string
			err := r.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.AccountID, &changes)
			e.At = fromMS(at)
			_ = json.Unmarshal([]byte(changes), &e.Changes)
			return e, err
		},
		id:    func(e *AuditEntry) int64 { return e.ID },
		sorts: map[string]sortKey[AuditEntry]{"at": {"at", func(e *AuditEntry) any { return ms(e.At) }}},
	}
	if f.Entity != "" {
		l.where("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		l.where("entity_id = ?", f.EntityID)
	}
	if f.AccountID != 0 {
		l.where("account_id = ?", f.AccountID)
	}
	if f.UserID != 0 {
		l.where("user_id = ?", f.UserID)
	}
	if !f.From.IsZero() {
		l.where("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		l.where("at < ?", ms(f.To))
	}
	var out []AuditEntry
	var next string
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, next, err = l.run(tx, f.Page)
		return err
	})
	return out, next, err
}
