-- +goose Up
-- Sign-in, sessions, API tokens, the sign-in rate limiter and account teams.
-- Same conventions as 00001: (org_id, id) keys, composite foreign keys that
-- keep every reference inside one organisation, instants in Unix ms.

-- A user signs in with an e-mail that is unique across the installation: the
-- address alone finds the user's organisation.
CREATE TABLE users (
    org_id          INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('administrator', 'leader', 'account_manager', 'team_member', 'viewer')),
    password_hash   TEXT NOT NULL DEFAULT '',
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    UNIQUE (org_id, person_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);

-- Sessions are found by the hash of the cookie's secret before the
-- organisation is known, so the hash alone is the key.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (org_id, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    org_id       INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id, id);

-- Every sign-in attempt, shared by all instances, for the rate limiter.
-- Installation-wide: an attempt may name an e-mail that belongs to nobody.
CREATE TABLE sign_in_attempts (
    id      INTEGER PRIMARY KEY,
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    at      INTEGER NOT NULL,
    ok      INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);

-- The account team: people in team roles. A person may hold several roles
-- on one account.
CREATE TABLE account_team (
    org_id     INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    person_id  INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('executive_partner', 'account_manager', 'sales_engineer',
                                             'professional_services', 'customer_service_manager', 'technical_lead')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, account_id, person_id, role),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX account_team_person ON account_team (org_id, person_id, account_id);

-- +goose Down
DROP TABLE account_team;
DROP TABLE sign_in_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
