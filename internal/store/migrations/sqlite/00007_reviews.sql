-- +goose Up
-- Business reviews with attendees on both sides, personal calendar feeds,
-- and what the background scheduler needs to run work exactly once across
-- instances: job claims and the log of reminder digests sent. Same
-- conventions as 00001: (org_id, id) keys, instants in Unix ms, calendar
-- days as 'YYYY-MM-DD' text.

-- A business review of an account: a quarterly business review (qbr), an
-- executive review or an annual review. held_on is '' until it is held.
CREATE TABLE reviews (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('qbr', 'executive', 'annual')),
    scheduled_on    TEXT NOT NULL,
    held_on         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    agenda          TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    recommendations TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX reviews_account ON reviews (org_id, account_id, scheduled_on, id);
CREATE INDEX reviews_scheduled ON reviews (org_id, status, scheduled_on, id);

-- Who attends: our people and the client's stakeholders.
CREATE TABLE review_people (
    org_id    INTEGER NOT NULL,
    review_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, review_id, person_id),
    FOREIGN KEY (org_id, review_id) REFERENCES reviews (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE review_stakeholders (
    org_id         INTEGER NOT NULL,
    review_id      INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, review_id, stakeholder_id),
    FOREIGN KEY (org_id, review_id) REFERENCES reviews (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A personal calendar feed: the URL holds a secret, stored as its SHA-256
-- like API tokens. revoked_at 0 while it works.
CREATE TABLE calendar_tokens (
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX calendar_tokens_user ON calendar_tokens (org_id, user_id, id);

-- One row per run of a scheduled job for one period (e.g. a day): the
-- instance that inserts it first, or takes it over once its lease has run
-- out unfinished, does the work. done_at 0 until it is finished.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    holder      TEXT NOT NULL,
    lease_until INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    done_at     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job, period)
) WITHOUT ROWID;

-- The reminder digests sent: one per person and day at most, whatever
-- restarts or instances there are.
CREATE TABLE mail_digests (
    org_id    INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    day       TEXT NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, person_id, day)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE mail_digests;
DROP TABLE job_runs;
DROP TABLE calendar_tokens;
DROP TABLE review_stakeholders;
DROP TABLE review_people;
DROP TABLE reviews;
