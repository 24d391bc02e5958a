-- +goose Up
-- Staffing: managers' capacities, accounts exempt from needing an owner,
-- manager goals per period, "as needed" team seats and the account team's
-- deliverables. Same conventions as 00001: composite keys and foreign keys
-- inside one organisation, instants in Unix ms, days as 'YYYY-MM-DD' text,
-- money in minor units. The organisation's staffing policy (load points,
-- default capacity, exemption threshold) lives in orgs.settings under the
-- key "staffing".

-- A manager's own capacity in load points; without a row the organisation's
-- default applies.
CREATE TABLE staffing_capacities (
    org_id     BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    capacity   BIGINT NOT NULL CHECK (capacity >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, person_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);

-- Accounts that may stay without an owner, and why.
CREATE TABLE account_exemptions (
    org_id     BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);

-- A manager's goals for a period ('2026' or '2026-Q4').
CREATE TABLE manager_goals (
    org_id     BIGINT NOT NULL,
    person_id  BIGINT NOT NULL,
    period     TEXT NOT NULL,
    revenue    BIGINT NOT NULL DEFAULT 0 CHECK (revenue >= 0),
    retention  BIGINT NOT NULL DEFAULT 0 CHECK (retention BETWEEN 0 AND 100),
    touches    BIGINT NOT NULL DEFAULT 0 CHECK (touches >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, person_id, period),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);

-- A seat held "as needed" rather than continuously.
ALTER TABLE account_team ADD COLUMN as_needed BOOLEAN NOT NULL DEFAULT FALSE;

-- The key deliverable of each team role on an account. due_on is
-- updated_on + refresh_days, kept on write so that "stale across the
-- portfolio" is one indexed range query on both databases.
CREATE TABLE team_deliverables (
    org_id       BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('executive_partner', 'account_manager', 'sales_engineer',
                                               'professional_services', 'customer_service_manager', 'technical_lead')),
    title        TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    owner_id     BIGINT,
    updated_on   TEXT NOT NULL DEFAULT '',
    refresh_days BIGINT NOT NULL CHECK (refresh_days > 0),
    due_on       TEXT NOT NULL DEFAULT '',
    changed_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, account_id, role),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX team_deliverables_due ON team_deliverables (org_id, due_on);

-- owner_id cannot be a composite foreign key with ON DELETE SET NULL on
-- SQLite (that would null org_id too), and deleting a person must not be
-- blocked by a deliverable they own: a trigger clears the owner instead, on
-- both databases alike.
-- +goose StatementBegin
CREATE FUNCTION team_deliverables_owner_gone() RETURNS trigger AS $$
BEGIN
    UPDATE team_deliverables SET owner_id = NULL WHERE org_id = OLD.org_id AND owner_id = OLD.id;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER team_deliverables_owner_gone AFTER DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION team_deliverables_owner_gone();

-- +goose Down
DROP TRIGGER team_deliverables_owner_gone ON people;
DROP FUNCTION team_deliverables_owner_gone();
DROP TABLE team_deliverables;
ALTER TABLE account_team DROP COLUMN as_needed;
DROP TABLE manager_goals;
DROP TABLE account_exemptions;
DROP TABLE staffing_capacities;
