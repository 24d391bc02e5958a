-- +goose Up
-- Account health and churn risk. Same conventions as 00001: (org_id, id)
-- keys, composite foreign keys inside one organisation, instants in Unix
-- ms, calendar days as 'YYYY-MM-DD' text.

-- One row per organisation, created on first save; until then the defaults
-- of internal/health apply. settings is a small JSON document (weights by
-- signal, the sharp-drop threshold) validated in Go, read and written whole.
CREATE TABLE health_settings (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    settings   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL DEFAULT 0
);

-- Every change of the weights, append-only: who, when, why, and whether
-- they were typed in ('manual') or adopted from a back-test ('backtest').
CREATE TABLE health_weight_versions (
    org_id   INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  INTEGER NOT NULL DEFAULT 0,
    source   TEXT NOT NULL CHECK (source IN ('manual', 'backtest')),
    reason   TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX health_weight_versions_at ON health_weight_versions (org_id, at, id);

-- One snapshot per account per day: the score (NULL when no signal had
-- data), the signals as JSON ({"adherence": 80, ...}, a missing key is no
-- data), and the tier and ARR of that day, which the churn model learns
-- from. Written by the daily job; a second run on the same day replaces
-- the day's row.
CREATE TABLE health_snapshots (
    org_id     INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    day        TEXT NOT NULL,
    score      REAL,
    signals    TEXT NOT NULL DEFAULT '{}',
    tier       TEXT NOT NULL DEFAULT '',
    arr        INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, account_id, day),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX health_snapshots_day ON health_snapshots (org_id, day);

-- A sharp drop of an account's score, for its manager (owner_id, 0 when
-- the account had none). Closed when dismissed (closed_at > 0).
CREATE TABLE health_alerts (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    owner_id   INTEGER NOT NULL DEFAULT 0,
    day        TEXT NOT NULL,
    prev_score REAL NOT NULL,
    score      REAL NOT NULL,
    message    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    closed_by  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    UNIQUE (org_id, account_id, day),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX health_alerts_open ON health_alerts (org_id, closed_at, day);

-- Renewal outcomes recorded for health alone: imported churn history
-- ("this account churned on that day") and history the demo invents.
-- Outcomes recorded elsewhere (contracts, lifecycles) are read from there.
-- outcome: renewed, expanded, contracted, churned.
CREATE TABLE health_outcomes (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    day        TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('renewed', 'expanded', 'contracted', 'churned')),
    source     TEXT NOT NULL DEFAULT 'imported',
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, account_id, day),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);

-- Every training run of the churn model, newest last: status 'trained'
-- (model holds the serialised coefficients, encoder and scaling) or
-- 'too_little' (message says how much history there was); metrics is the
-- held-out evaluation as JSON.
CREATE TABLE health_models (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    trained_at INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('trained', 'too_little')),
    message    TEXT NOT NULL DEFAULT '',
    outcomes   INTEGER NOT NULL DEFAULT 0,
    churned    INTEGER NOT NULL DEFAULT 0,
    model      TEXT NOT NULL DEFAULT '',
    metrics    TEXT NOT NULL DEFAULT '{}',
    UNIQUE (org_id, id)
);
CREATE INDEX health_models_at ON health_models (org_id, trained_at, id);

-- +goose Down
DROP TABLE health_models;
DROP TABLE health_outcomes;
DROP TABLE health_alerts;
DROP TABLE health_snapshots;
DROP TABLE health_weight_versions;
DROP TABLE health_settings;
