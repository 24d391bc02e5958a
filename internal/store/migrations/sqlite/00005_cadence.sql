-- +goose Up
-- Contact cadences: the organisation's policy, cadences agreed with the
-- client, and temporary accelerations. Same conventions as 00001: (org_id,
-- id) keys, composite foreign keys inside one organisation, instants in Unix
-- ms, calendar days as 'YYYY-MM-DD' text.

-- One row per organisation, created on first save; until then the defaults
-- of internal/cadence apply. The policy is a small JSON document (intervals
-- by tier and level, review intervals by tier, W and T) validated in Go: it
-- is read whole and written whole, never queried by its parts.
CREATE TABLE cadence_policies (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    policy     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL DEFAULT 0
);

-- A cadence agreed with the client. stakeholder_id 0 is the whole account
-- (so no foreign key on it; a trigger below removes a deleted
-- stakeholder's rows). agreed_by is the client's stakeholder who
-- agreed (0 if not recorded).
CREATE TABLE cadence_agreements (
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL DEFAULT 0,
    interval_days  INTEGER NOT NULL CHECK (interval_days > 0),
    agreed_by      INTEGER NOT NULL DEFAULT 0,
    agreed_on      TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, account_id, stakeholder_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);

-- A temporary faster cadence, from starts_on to ends_on inclusive; it ends
-- by itself (rows stay as history). opportunity_id 0 when it serves a
-- free-text initiative.
CREATE TABLE cadence_accelerations (
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL DEFAULT 0,
    interval_days  INTEGER NOT NULL CHECK (interval_days > 0),
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    opportunity_id INTEGER NOT NULL DEFAULT 0,
    initiative     TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX cadence_accelerations_account ON cadence_accelerations (org_id, account_id, ends_on);

-- The two latest check-ins of every stakeholder (instants, 0 when none): a
-- check-in is a touch of any kind but business_review the stakeholder was
-- present at. Adherence for a whole organisation needs exactly these two
-- values per stakeholder; reading them from touch_stakeholders costs two
-- index walks per stakeholder (7 s for 460,000 stakeholders on SQLite), so
-- triggers keep them here as touches are written (see BENCHMARKS.md). A
-- new attendance moves the pair forward in O(1); a removed attendance, or a
-- touch whose kind or time changes, recomputes the pair of the stakeholders
-- concerned from touch_stakeholders. A deleted stakeholder's row goes with it.
CREATE TABLE cadence_checkins (
    org_id         INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    last_at        INTEGER NOT NULL DEFAULT 0,
    prev_at        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, stakeholder_id)
) WITHOUT ROWID;

INSERT INTO cadence_checkins (org_id, stakeholder_id, last_at, prev_at)
SELECT s.org_id, s.id,
    COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = s.org_id AND ts.stakeholder_id = s.id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
FROM stakeholders s;

-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_added AFTER INSERT ON touch_stakeholders
WHEN (SELECT kind FROM touches WHERE org_id = NEW.org_id AND id = NEW.touch_id) <> 'business_review'
BEGIN
    INSERT INTO cadence_checkins (org_id, stakeholder_id, last_at, prev_at) VALUES (NEW.org_id, NEW.stakeholder_id, NEW.occurred_at, 0)
    ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET
        prev_at = CASE WHEN excluded.last_at >= last_at THEN last_at
                       WHEN excluded.last_at > prev_at THEN excluded.last_at ELSE prev_at END,
        last_at = CASE WHEN excluded.last_at >= last_at THEN excluded.last_at ELSE last_at END;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_removed AFTER DELETE ON touch_stakeholders
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = OLD.org_id AND stakeholder_id = OLD.stakeholder_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_touch_changed AFTER UPDATE OF kind, occurred_at ON touches
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = NEW.org_id
      AND stakeholder_id IN (SELECT stakeholder_id FROM touch_stakeholders WHERE org_id = NEW.org_id AND touch_id = NEW.id);
END;
-- +goose StatementEnd

-- A stakeholder's id may be given again after it is deleted (SQLite reuses
-- the highest rowid): its pair, agreements and accelerations go with it.
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_stakeholder_deleted AFTER DELETE ON stakeholders
BEGIN
    DELETE FROM cadence_checkins WHERE org_id = OLD.org_id AND stakeholder_id = OLD.id;
    DELETE FROM cadence_agreements WHERE org_id = OLD.org_id AND stakeholder_id = OLD.id;
    DELETE FROM cadence_accelerations WHERE org_id = OLD.org_id AND stakeholder_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER cadence_checkin_stakeholder_deleted;
DROP TRIGGER cadence_checkin_touch_changed;
DROP TRIGGER cadence_checkin_removed;
DROP TRIGGER cadence_checkin_added;
DROP TABLE cadence_checkins;
DROP TABLE cadence_accelerations;
DROP TABLE cadence_agreements;
DROP TABLE cadence_policies;
