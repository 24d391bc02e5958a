package api

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/store"
)

// Change is one field's value before and after a change.
type Change struct {
	Old any `json:"old" doc:"The value before; null when the record was created."`
	New any `json:"new" doc:"The value after; null when the record was deleted."`
}

// AuditEntry is one line of the audit trail.
type AuditEntry struct {
	ID        int64             `json:"id"`
	At        time.Time         `json:"at"`
	UserID    int64             `json:"user_id" doc:"The user who made the change; 0 for the system."`
	Actor     string            `json:"actor" doc:"How the trail names who made the change."`
	Action    string            `json:"action" doc:"create, update, delete, or another action a feature records."`
	Entity    string            `json:"entity" doc:"The kind of record: account, stakeholder, person, touch, opportunity, contract, ..."`
	EntityID  int64             `json:"entity_id"`
	AccountID int64             `json:"account_id" doc:"The account the record belongs to; 0 when none."`
	Changes   map[string]Change `json:"changes" doc:"The changed fields by name. Server-kept fields (id, timestamps) are left out."`
}

func auditOut(e store.AuditEntry) AuditEntry {
	out := AuditEntry{ID: e.ID, At: instant(e.At), UserID: e.UserID, Actor: e.Actor, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, AccountID: e.AccountID, Changes: make(map[string]Change, len(e.Changes))}
	for k, c := range e.Changes {
		out.Changes[k] = Change{Old: c.Old, New: c.New}
	}
	return out
}

type listAuditInput struct {
	PageParams
	Sort     string    `query:"sort" enum:"at,-at" default:"-at" doc:"Order of the trail; newest first by default."`
	Entity   string    `query:"entity" maxLength:"50" doc:"Only entries about this kind of record, e.g. account."`
	EntityID int64     `query:"entity_id" minimum:"1" doc:"Only entries about the record with this id (use with entity)."`
	Account  int64     `query:"account" minimum:"1" doc:"Only entries about this account and its records."`
	User     int64     `query:"user" minimum:"1" doc:"Only changes made by this user (the actor's user id)."`
	From     time.Time `query:"from" doc:"Only entries at or after this instant, RFC 3339."`
	To       time.Time `query:"to" doc:"Only entries before this instant, RFC 3339."`
}

func (h *handlers) listAudit(ctx context.Context, in *listAuditInput) (*listOutput[AuditEntry], error) {
	if ok, err := h.filterable(ctx, in.Account); err != nil {
		return nil, err
	} else if !ok {
		return list[store.AuditEntry](nil, "", auditOut), nil
	}
	f := store.AuditFilter{Page: in.page(in.Sort), Entity: in.Entity, EntityID: in.EntityID, AccountID: in.Account,
		UserID: in.User, From: in.From, To: in.To}
	recs, next, err := h.db.Audit(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	return list(recs, next, auditOut), nil
}
