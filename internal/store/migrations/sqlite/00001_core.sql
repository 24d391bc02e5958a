-- +goose Up
-- The account core. Every table is keyed by (org_id, id) so that a sharded
-- PostgreSQL (Citus, distributing by org_id) can spread organisations over
-- machines (in SQLite, id is the rowid and (org_id, id) a unique key); foreign keys include org_id, so a record can never point into
-- another organisation. Instants are Unix milliseconds (INTEGER), calendar days
-- are 'YYYY-MM-DD' text, money is INTEGER minor units: one query text serves
-- SQLite and PostgreSQL alike.
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

CREATE TABLE people (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    manager_id  INTEGER,
    external_id TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, email),
    FOREIGN KEY (org_id, manager_id) REFERENCES people (org_id, id)
);

CREATE TABLE accounts (
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    domain         TEXT NOT NULL DEFAULT '',
    industry       TEXT NOT NULL DEFAULT '',
    employees      INTEGER NOT NULL DEFAULT 0,
    annual_revenue INTEGER NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT 'USD',
    region         TEXT NOT NULL DEFAULT '',
    country        TEXT NOT NULL DEFAULT '',
    parent_id      INTEGER,
    lifecycle      TEXT NOT NULL CHECK (lifecycle IN ('prospect', 'customer', 'former_customer')),
    owner_id       INTEGER,
    external_id    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, parent_id) REFERENCES accounts (org_id, id),
    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, id)
);
CREATE INDEX accounts_name ON accounts (org_id, name_key, id);
CREATE INDEX accounts_owner ON accounts (org_id, owner_id, name_key, id);
CREATE INDEX accounts_industry ON accounts (org_id, industry, name_key, id);
CREATE INDEX accounts_parent ON accounts (org_id, parent_id);
CREATE INDEX accounts_updated ON accounts (org_id, updated_at, id);
CREATE INDEX accounts_revenue ON accounts (org_id, annual_revenue, id);
CREATE INDEX accounts_domain ON accounts (org_id, domain);

CREATE TABLE stakeholders (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    level       TEXT NOT NULL CHECK (level IN ('executive', 'senior_management', 'middle_management', 'operational')),
    buying_role TEXT NOT NULL CHECK (buying_role IN ('decision_maker', 'influencer', 'user', 'champion', 'blocker', 'unknown')),
    active      INTEGER NOT NULL DEFAULT 1,
    external_id TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX stakeholders_account ON stakeholders (org_id, account_id, name, id);
CREATE INDEX stakeholders_name ON stakeholders (org_id, name, id);

CREATE TABLE touches (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('meeting', 'call', 'email', 'business_review', 'event', 'other')),
    occurred_at INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    next_step   TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX touches_account ON touches (org_id, account_id, occurred_at, id);
CREATE INDEX touches_occurred ON touches (org_id, occurred_at, id);

-- Who was present. occurred_at and account_id are copied from the touch so
-- that cadence questions ("last touch of this stakeholder") read one index.
CREATE TABLE touch_people (
    org_id      INTEGER NOT NULL,
    touch_id    INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (org_id, touch_id, person_id),
    FOREIGN KEY (org_id, touch_id) REFERENCES touches (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX touch_people_person ON touch_people (org_id, person_id, touch_id);

CREATE TABLE touch_stakeholders (
    org_id         INTEGER NOT NULL,
    touch_id       INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    account_id     INTEGER NOT NULL,
    occurred_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, touch_id, stakeholder_id),
    FOREIGN KEY (org_id, touch_id) REFERENCES touches (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX touch_stakeholders_stakeholder ON touch_stakeholders (org_id, stakeholder_id, occurred_at);
CREATE INDEX touch_stakeholders_account ON touch_stakeholders (org_id, account_id, stakeholder_id, occurred_at);

CREATE TABLE opportunities (
    org_id         INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    owner_id       INTEGER,
    name           TEXT NOT NULL,
    product        TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('new', 'upsell', 'cross_sell', 'renewal')),
    stage          TEXT NOT NULL CHECK (stage IN ('prospecting', 'engaging', 'proposal', 'won', 'lost')),
    amount         INTEGER NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT 'USD',
    expected_close TEXT NOT NULL DEFAULT '',
    actual_close   TEXT NOT NULL DEFAULT '',
    external_id    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, id)
);
CREATE INDEX opportunities_account ON opportunities (org_id, account_id, id);
CREATE INDEX opportunities_owner ON opportunities (org_id, owner_id, id);
CREATE INDEX opportunities_stage ON opportunities (org_id, stage, actual_close);

CREATE TABLE contracts (
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL,
    product      TEXT NOT NULL,
    annual_value INTEGER NOT NULL DEFAULT 0,
    currency     TEXT NOT NULL DEFAULT 'USD',
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL DEFAULT '',
    auto_renew   INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'active', 'expired', 'cancelled')),
    external_id  TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX contracts_account ON contracts (org_id, account_id, id);
CREATE INDEX contracts_end ON contracts (org_id, end_date);

-- The audit trail: append-only from the application's point of view (the
-- store has no update or delete statement for it).
CREATE TABLE audit (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    user_id    INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL DEFAULT 0,
    account_id INTEGER NOT NULL DEFAULT 0,
    changes    TEXT NOT NULL DEFAULT '{}',
    UNIQUE (org_id, id)
);
CREATE INDEX audit_at ON audit (org_id, at, id);
CREATE INDEX audit_account ON audit (org_id, account_id, at);
CREATE INDEX audit_entity ON audit (org_id, entity, entity_id);

-- +goose Down
DROP TABLE audit;
DROP TABLE contracts;
DROP TABLE opportunities;
DROP TABLE touch_stakeholders;
DROP TABLE touch_people;
DROP TABLE touches;
DROP TABLE stakeholders;
DROP TABLE accounts;
DROP TABLE people;
DROP TABLE orgs;
