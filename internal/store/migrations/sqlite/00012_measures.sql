-- +goose Up
-- Measuring the practice: NPS survey campaigns with their personal
-- invitations, answers and detractor follow-ups; SAM self-assessment rounds
-- and answers. Same conventions as 00001: (org_id, id) keys, composite
-- foreign keys inside one organisation, instants in Unix ms (0 = never),
-- calendar days as 'YYYY-MM-DD' text. Rules in internal/measure.

-- A campaign to the key contacts of chosen accounts: target_tiers is a
-- comma list of tiers ('A,B'), target_accounts a comma list of account ids;
-- both empty means every customer account. status: draft (being prepared),
-- open (invitations go out, answers accepted until closes_on), closed.
CREATE TABLE survey_campaigns (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    target_tiers    TEXT NOT NULL DEFAULT '',
    target_accounts TEXT NOT NULL DEFAULT '',
    opens_on        TEXT NOT NULL,
    closes_on       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    created_by      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX survey_campaigns_year ON survey_campaigns (org_id, year, id);

-- One personal invitation per contact and campaign. The link's secret is
-- never stored: token_hash is its SHA-256 ('' until the invitation is
-- sent); a reminder issues a new secret and replaces the hash. used_at is
-- set by the one answer the link accepts.
CREATE TABLE survey_invitations (
    org_id           INTEGER NOT NULL,
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL,
    account_id       INTEGER NOT NULL,
    stakeholder_id   INTEGER NOT NULL,
    email            TEXT NOT NULL,
    token_hash       TEXT NOT NULL DEFAULT '',
    expires_at       INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER NOT NULL DEFAULT 0,
    reminder_sent_at INTEGER NOT NULL DEFAULT 0,
    used_at          INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, campaign_id, stakeholder_id),
    FOREIGN KEY (org_id, campaign_id) REFERENCES survey_campaigns (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX survey_invitations_token ON survey_invitations (token_hash) WHERE token_hash <> '';
CREATE INDEX survey_invitations_pending ON survey_invitations (sent_at, used_at);

-- An answer: 0-10 and a comment. The stakeholder may be deleted later; the
-- answer stays with its account (stakeholder_id is then a dangling number).
CREATE TABLE survey_responses (
    org_id         INTEGER NOT NULL,
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL,
    invitation_id  INTEGER NOT NULL DEFAULT 0,
    account_id     INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    key_contact    INTEGER NOT NULL DEFAULT 0,
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment        TEXT NOT NULL DEFAULT '',
    answered_at    INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, campaign_id) REFERENCES survey_campaigns (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_responses_campaign ON survey_responses (org_id, campaign_id, stakeholder_id, answered_at);
CREATE INDEX survey_responses_account ON survey_responses (org_id, account_id, answered_at);

-- A task for the account manager: every detractor answer creates one.
-- owner_id is the manager when it was created (0 none). status: open, done.
CREATE TABLE survey_follow_ups (
    org_id      INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    response_id INTEGER NOT NULL,
    owner_id    INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER NOT NULL DEFAULT 0,
    closed_by   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, response_id) REFERENCES survey_responses (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX survey_follow_ups_account ON survey_follow_ups (org_id, account_id, status);
CREATE INDEX survey_follow_ups_status ON survey_follow_ups (org_id, status, created_at);

-- Failed look-ups of survey links, per client address, for the rate limit
-- of the public survey page (no organisation: the link names none).
CREATE TABLE survey_link_attempts (
    address TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX survey_link_attempts_address ON survey_link_attempts (address, at);

-- A round of the SAM self-assessment; many of our people answer it.
CREATE TABLE assessment_rounds (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id)
);

-- One person's answer in a round: the fifteen ratings 1-5 as a comma list
-- ('5,4,3,...') and their total; answering again replaces it.
CREATE TABLE assessment_responses (
    org_id      INTEGER NOT NULL,
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    ratings     TEXT NOT NULL,
    total       INTEGER NOT NULL CHECK (total BETWEEN 15 AND 75),
    answered_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, round_id, user_id),
    FOREIGN KEY (org_id, round_id) REFERENCES assessment_rounds (org_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE assessment_responses;
DROP TABLE assessment_rounds;
DROP TABLE survey_link_attempts;
DROP TABLE survey_follow_ups;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
DROP TABLE survey_campaigns;
