-- +goose Up
-- Strategic account plans (internal/plan). Same conventions as 00001: (org_id,
-- id) keys, composite foreign keys inside one organisation, instants in Unix
-- ms, calendar days as 'YYYY-MM-DD' text.

-- A plan of one account. status mirrors its current version's status, so
-- lists need no join; next_review_on is when the plan is next reviewed ('' for
-- none), for "my week".
CREATE TABLE plans (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL,
    title           TEXT NOT NULL,
    status          TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 1,
    review_days     INTEGER NOT NULL DEFAULT 90 CHECK (review_days BETWEEN 7 AND 366),
    next_review_on  TEXT NOT NULL DEFAULT '',
    created_by      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plans_account ON plans (org_id, account_id);
CREATE INDEX plans_review ON plans (org_id, next_review_on);

-- Every version of a plan, numbered 1, 2, … The document is one JSON value
-- (plan.Content): it is read and written whole, compared section by section
-- in Go, and frozen once shared (the store refuses changes unless status is
-- draft or revised), so what the client saw and signed is what is kept.
CREATE TABLE plan_versions (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    n          INTEGER NOT NULL CHECK (n > 0),
    status     TEXT NOT NULL CHECK (status IN ('draft', 'shared', 'feedback', 'revised', 'agreed', 'active', 'reviewed', 'superseded')),
    content    TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    shared_at  INTEGER NOT NULL DEFAULT 0,
    agreed_at  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    UNIQUE (org_id, plan_id, n),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE
);

-- Which client vision items the objectives of a version serve (one row per
-- objective that names one), kept beside the document so the link is a
-- real foreign key: a deleted vision item drops its links.
CREATE TABLE plan_objective_visions (
    org_id         INTEGER NOT NULL,
    version_id     INTEGER NOT NULL,
    objective_key  TEXT NOT NULL,
    vision_item_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, version_id, objective_key),
    FOREIGN KEY (org_id, version_id) REFERENCES plan_versions (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, vision_item_id) REFERENCES vision_items (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Tracking after agreement, per plan (not per version, so it survives a
-- revision): the current status of each initiative by its key, and KPI
-- actuals over time by KPI key.
CREATE TABLE plan_initiative_status (
    org_id         INTEGER NOT NULL,
    plan_id        INTEGER NOT NULL,
    initiative_key TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'done')),
    note           TEXT NOT NULL DEFAULT '',
    updated_by     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (org_id, plan_id, initiative_key),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE plan_kpi_actuals (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    kpi_key    TEXT NOT NULL,
    measured_on TEXT NOT NULL,
    value      REAL NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_kpi_actuals_plan ON plan_kpi_actuals (org_id, plan_id, kpi_key, measured_on);

-- Why the plan was adjusted after agreement.
CREATE TABLE plan_adjustments (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    version_n  INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL CHECK (reason IN ('timeline_moved', 'stakeholders_changed', 'decision_process_changed', 'scope_changed', 'other')),
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_adjustments_plan ON plan_adjustments (org_id, plan_id);

-- A link for the client to one version. Only the SHA-256 of the token is
-- kept (auth.HashSecret); expires_at and revoked_at are 0 when not set.
CREATE TABLE plan_shares (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, version_id) REFERENCES plan_versions (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_shares_plan ON plan_shares (org_id, plan_id);

-- Every view of a share link.
CREATE TABLE plan_share_views (
    org_id    INTEGER NOT NULL,
    id        INTEGER PRIMARY KEY,
    share_id  INTEGER NOT NULL,
    viewed_at INTEGER NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, share_id) REFERENCES plan_shares (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_share_views_share ON plan_share_views (org_id, share_id, viewed_at);

-- Failed share-link look-ups by address, for the rate limit (auth.Limits);
-- not tied to an organisation, since a wrong token names none. Old rows are
-- pruned as new ones come.
CREATE TABLE plan_share_failures (
    id      INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX plan_share_failures_address ON plan_share_failures (address, at);

-- The client's comments on a section and proposed changes (proposal '' for
-- a plain comment), and the team's answers (from_client false, share_id 0).
CREATE TABLE plan_comments (
    org_id      INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL,
    version_id  INTEGER NOT NULL,
    share_id    INTEGER NOT NULL DEFAULT 0,
    section     TEXT NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    proposal    TEXT NOT NULL DEFAULT '',
    from_client INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, version_id) REFERENCES plan_versions (org_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_comments_version ON plan_comments (org_id, version_id, created_at);

-- The client's sign-off of a version: one per version.
CREATE TABLE plan_signoffs (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    share_id   INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    signed_on  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, version_id),
    FOREIGN KEY (org_id, plan_id) REFERENCES plans (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, version_id) REFERENCES plan_versions (org_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE plan_signoffs;
DROP TABLE plan_comments;
DROP TABLE plan_share_failures;
DROP TABLE plan_share_views;
DROP TABLE plan_shares;
DROP TABLE plan_adjustments;
DROP TABLE plan_kpi_actuals;
DROP TABLE plan_initiative_status;
DROP TABLE plan_objective_visions;
DROP TABLE plan_versions;
DROP TABLE plans;
