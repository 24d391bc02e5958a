-- +goose Up
-- The portfolio: Strategic Score criteria and ratings, A-B-C tiers and the
-- strategic designation. Same conventions as 00001: (org_id, id) keys,
-- composite foreign keys inside one organisation, instants in Unix ms.
--
-- Current state and history are kept apart. The current state of each
-- account is ONE row of portfolio_accounts (its ratings packed in a short
-- text, its tier, its designation), because ranking a portfolio reads every
-- account: 100,000 rows, not 600,000 rating rows, is what keeps a ranking
-- under a few hundred milliseconds. The history tables are append-only (the
-- store has no update or delete statement for them) and say who, when, why.

-- One row per organisation, created with the defaults on first change.
-- tier_method: 'pareto' (by trailing-12-month revenue) or 'score' (by
-- Strategic Score floors). pareto_a/pareto_b are cumulative revenue shares
-- (0..1); score_a/score_b are score floors (0..100). tiers_at: when tiers
-- were last recorded for the whole portfolio.
CREATE TABLE portfolio_policies (
    org_id      INTEGER PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    tier_method TEXT NOT NULL DEFAULT 'pareto' CHECK (tier_method IN ('pareto', 'score')),
    pareto_a    REAL NOT NULL DEFAULT 0.8,
    pareto_b    REAL NOT NULL DEFAULT 0.95,
    score_a     REAL NOT NULL DEFAULT 70,
    score_b     REAL NOT NULL DEFAULT 40,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER NOT NULL DEFAULT 0,
    tiers_at    INTEGER NOT NULL DEFAULT 0
);

-- Criteria of the Strategic Score. A removed criterion is retired, not
-- deleted, so the history that names it keeps its meaning.
CREATE TABLE score_criteria (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    weight     REAL NOT NULL CHECK (weight >= 0),
    level_1    TEXT NOT NULL DEFAULT '',
    level_2    TEXT NOT NULL DEFAULT '',
    level_3    TEXT NOT NULL DEFAULT '',
    level_4    TEXT NOT NULL DEFAULT '',
    level_5    TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    retired_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX score_criteria_key ON score_criteria (org_id, key) WHERE retired_at = 0;

-- Every change of the criteria (weights, names, levels, additions,
-- removals) as a JSON snapshot of the active criteria after it, so the
-- weights in force at any past instant can be read back.
CREATE TABLE criteria_versions (
    org_id   INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  INTEGER NOT NULL DEFAULT 0,
    reason   TEXT NOT NULL DEFAULT '',
    criteria TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX criteria_versions_at ON criteria_versions (org_id, at, id);

-- The current portfolio state of an account, one row per account that has
-- any: ratings as "criterionID:rating" pairs joined by commas (e.g.
-- "3:4,4:5"); the trailing-12-month revenue and the tiers as of the last
-- recompute (tier is the effective one, '' when never tiered; computed_tier
-- the one the policy gave; override_tier a manual tier that wins until
-- removed); the designation ('' undecided, 'designated' or 'declined').
CREATE TABLE portfolio_accounts (
    org_id          INTEGER NOT NULL,
    account_id      INTEGER NOT NULL,
    ratings         TEXT NOT NULL DEFAULT '',
    rated_at        INTEGER NOT NULL DEFAULT 0,
    rated_by        INTEGER NOT NULL DEFAULT 0,
    revenue         INTEGER NOT NULL DEFAULT 0,
    tier            TEXT NOT NULL DEFAULT '' CHECK (tier IN ('', 'A', 'B', 'C')),
    computed_tier   TEXT NOT NULL DEFAULT '' CHECK (computed_tier IN ('', 'A', 'B', 'C')),
    computed_source TEXT NOT NULL DEFAULT '' CHECK (computed_source IN ('', 'pareto', 'score')),
    computed_at     INTEGER NOT NULL DEFAULT 0,
    override_tier   TEXT NOT NULL DEFAULT '' CHECK (override_tier IN ('', 'A', 'B', 'C')),
    override_reason TEXT NOT NULL DEFAULT '',
    override_by     INTEGER NOT NULL DEFAULT 0,
    override_at     INTEGER NOT NULL DEFAULT 0,
    decision        TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'designated', 'declined')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decision_by     INTEGER NOT NULL DEFAULT 0,
    decision_at     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- One row per rating of an account (a submission of the rating form): who,
-- when, why, the score it gave under the weights of the day (NULL when some
-- weighted criterion was still unrated), and all the account's ratings after
-- it, packed as in portfolio_accounts — so "the ratings as of an instant"
-- is one row per account, not one per criterion.
CREATE TABLE score_events (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    score      REAL,
    ratings    TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    user_id    INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX score_events_account ON score_events (org_id, account_id, at);
CREATE INDEX score_events_at ON score_events (org_id, at);

-- The ratings of each score event, per criterion, with the rater's note
-- (account_id and at copied from the event, so "ratings as of an instant"
-- reads one index).
CREATE TABLE rating_history (
    org_id       INTEGER NOT NULL,
    event_id     INTEGER NOT NULL,
    criterion_id INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, event_id, criterion_id),
    FOREIGN KEY (org_id, event_id) REFERENCES score_events (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX rating_history_account ON rating_history (org_id, account_id, at);

-- Changes of an account's effective tier, and of its override.
CREATE TABLE tier_history (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    tier       TEXT NOT NULL CHECK (tier IN ('', 'A', 'B', 'C')),
    source     TEXT NOT NULL CHECK (source IN ('pareto', 'score', 'override')),
    reason     TEXT NOT NULL DEFAULT '',
    user_id    INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX tier_history_account ON tier_history (org_id, account_id, at);

-- Every designation decision ('undecided' when one was withdrawn).
CREATE TABLE designation_history (
    org_id     INTEGER NOT NULL,
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('designated', 'declined', 'undecided')),
    reason     TEXT NOT NULL DEFAULT '',
    user_id    INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX designation_history_account ON designation_history (org_id, account_id, at);

-- Covering indexes for trailing-twelve-month revenue: won opportunities in
-- account order (so the sum per account streams without a sort), and the
-- contracts that ran in a window.
CREATE INDEX opportunities_won_revenue ON opportunities (org_id, stage, account_id, actual_close, amount);
CREATE INDEX contracts_revenue ON contracts (org_id, status, start_date, end_date, account_id, annual_value);

-- +goose Down
DROP INDEX contracts_revenue;
DROP INDEX opportunities_won_revenue;
DROP TABLE designation_history;
DROP TABLE tier_history;
DROP TABLE rating_history;
DROP TABLE score_events;
DROP TABLE portfolio_accounts;
DROP TABLE criteria_versions;
DROP TABLE score_criteria;
DROP TABLE portfolio_policies;
