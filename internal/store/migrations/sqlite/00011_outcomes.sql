-- +goose Up
-- Outcomes: problems (and problems avoided), resolution targets per tier and
-- severity, escalation paths agreed with clients, and renewal tracking on
-- contracts. Same conventions as 00001: (org_id, id) keys, composite foreign
-- keys inside one organisation, instants in Unix ms, days as 'YYYY-MM-DD'.
-- The assumptions of the measures (retention target, CLV, ROI, stage
-- probabilities) live in orgs.settings under the key "outcomes".

-- A problem of an account's, or one avoided (kind 'avoided': proactive work
-- recorded so that prevention is visible). reported_by is a stakeholder,
-- owner_id and accountable_id are people of ours: no foreign keys, so that
-- deleting a person or stakeholder is not blocked; triggers clear them.
-- responded_at and resolved_at are NULL until they happen. escalation is the
-- step of the account's escalation path reached (0 none).
CREATE TABLE problems (
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'problem' CHECK (kind IN ('problem', 'avoided')),
    title          TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    severity       TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    reported_by    INTEGER,
    owner_id       INTEGER,
    accountable_id INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'in_progress', 'resolved', 'closed')),
    escalation     INTEGER NOT NULL DEFAULT 0 CHECK (escalation BETWEEN 0 AND 5),
    opened_at      INTEGER NOT NULL,
    responded_at   INTEGER,
    resolved_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX problems_account ON problems (org_id, account_id, opened_at);
CREATE INDEX problems_status ON problems (org_id, status, opened_at);
CREATE INDEX problems_resolved ON problems (org_id, resolved_at);

-- +goose StatementBegin
CREATE TRIGGER problems_person_gone AFTER DELETE ON people
BEGIN
    UPDATE problems SET owner_id = NULL WHERE org_id = OLD.org_id AND owner_id = OLD.id;
    UPDATE problems SET accountable_id = NULL WHERE org_id = OLD.org_id AND accountable_id = OLD.id;
    UPDATE contracts SET renewal_owner_id = NULL WHERE org_id = OLD.org_id AND renewal_owner_id = OLD.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER problems_stakeholder_gone AFTER DELETE ON stakeholders
BEGIN
    UPDATE problems SET reported_by = NULL WHERE org_id = OLD.org_id AND reported_by = OLD.id;
END;
-- +goose StatementEnd

-- Target response and resolution times, minutes, per tier and severity;
-- without a row the defaults of package outcome apply. Untiered accounts
-- use tier C's.
CREATE TABLE resolution_targets (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    tier            TEXT NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    severity        TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    respond_minutes INTEGER NOT NULL CHECK (respond_minutes > 0),
    resolve_minutes INTEGER NOT NULL CHECK (resolve_minutes > 0),
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (org_id, tier, severity)
) WITHOUT ROWID;

-- The escalation path agreed with the client: one step per line, in order.
CREATE TABLE escalation_paths (
    org_id     INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    steps      TEXT NOT NULL DEFAULT '',
    agreed_on  TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Renewal tracking. renewal_date: the day the contract comes up for renewal
-- ('' = its end date); notice_days: the notice period before it;
-- renewal_owner_id: who of ours handles it; renewal_forecast and
-- renewal_outcome as in package outcome, with the reason; successor_id: the
-- contract that continues it (when recorded as its own contract);
-- renewed_value: the ARR after a renewal recorded without a successor.
--
-- Retention reads ARR on a day from contracts alone: a contract counts from
-- its start through its end; after its end it counts at renewed_value when
-- its outcome continues it (renewed, expanded, contracted) and no successor
-- contract carries the business, and at its own value while it is active
-- with auto-renewal and not churned.
ALTER TABLE contracts ADD COLUMN renewal_date TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN notice_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contracts ADD COLUMN renewal_owner_id INTEGER;
ALTER TABLE contracts ADD COLUMN renewal_forecast TEXT NOT NULL DEFAULT ''
    CHECK (renewal_forecast IN ('', 'likely', 'at_risk', 'lost'));
ALTER TABLE contracts ADD COLUMN renewal_outcome TEXT NOT NULL DEFAULT ''
    CHECK (renewal_outcome IN ('', 'renewed', 'expanded', 'contracted', 'churned'));
ALTER TABLE contracts ADD COLUMN outcome_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN successor_id INTEGER;
ALTER TABLE contracts ADD COLUMN renewed_value INTEGER NOT NULL DEFAULT 0;
CREATE INDEX contracts_renewal ON contracts (org_id, renewal_date);
-- Retention scans every contract once: one covering index in account order.
CREATE INDEX contracts_retention ON contracts (org_id, account_id, status, start_date, end_date, annual_value,
    renewal_outcome, successor_id, renewed_value, auto_renew);

-- Revenue per manager and stage streams from one index, without a sort.
CREATE INDEX opportunities_pipeline ON opportunities (org_id, stage, owner_id, actual_close, amount);
-- The opportunities of a tier's accounts, one seek per account.
CREATE INDEX opportunities_account_stage ON opportunities (org_id, account_id, stage, actual_close, amount);

-- +goose Down
DROP INDEX opportunities_account_stage;
DROP INDEX opportunities_pipeline;
DROP INDEX contracts_retention;
DROP INDEX contracts_renewal;
ALTER TABLE contracts DROP COLUMN renewed_value;
ALTER TABLE contracts DROP COLUMN successor_id;
ALTER TABLE contracts DROP COLUMN outcome_reason;
ALTER TABLE contracts DROP COLUMN renewal_outcome;
ALTER TABLE contracts DROP COLUMN renewal_forecast;
ALTER TABLE contracts DROP COLUMN renewal_owner_id;
ALTER TABLE contracts DROP COLUMN notice_days;
ALTER TABLE contracts DROP COLUMN renewal_date;
DROP TABLE escalation_paths;
DROP TABLE resolution_targets;
DROP TRIGGER problems_stakeholder_gone;
DROP TRIGGER problems_person_gone;
DROP TABLE problems;
