-- +goose Up
-- Data in and out (internal/exchange, internal/store/exchange*.go).
--
-- Every import is a batch. What a batch created is kept as id ranges per
-- table (an import assigns ids itself, counting up from the largest, inside
-- one transaction, so the records it created are exactly those ranges); what
-- it updated is kept as the record's earlier values. Undo removes the
-- ranges and puts the earlier values back, but only while every record still
-- carries the batch's timestamp (nobody changed it since).
CREATE TABLE import_batches (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'rejected', 'dry_run', 'undone')),
    on_error    TEXT NOT NULL DEFAULT 'abort',
    lines       INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    stamp       INTEGER NOT NULL DEFAULT 0,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    undone_at   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id)
);
CREATE INDEX import_batches_started ON import_batches (org_id, started_at, id);

CREATE TABLE import_created (
    org_id   INTEGER NOT NULL,
    batch_id INTEGER NOT NULL,
    entity   TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id  INTEGER NOT NULL,
    PRIMARY KEY (org_id, batch_id, entity, first_id),
    FOREIGN KEY (org_id, batch_id) REFERENCES import_batches (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE import_updated (
    org_id    INTEGER NOT NULL,
    batch_id  INTEGER NOT NULL,
    entity    TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    old       TEXT NOT NULL,
    PRIMARY KEY (org_id, batch_id, entity, record_id),
    FOREIGN KEY (org_id, batch_id) REFERENCES import_batches (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE export_jobs (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL,
    format      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
    rows        INTEGER NOT NULL DEFAULT 0,
    file_name   TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id)
);
CREATE INDEX export_jobs_created ON export_jobs (org_id, created_at, id);

-- Custom fields: an organisation's own fields on accounts and stakeholders.
-- Values are text in a canonical form that sorts right as text: numbers are
-- stored as written and sorted numerically by a CAST, dates as YYYY-MM-DD.
CREATE TABLE custom_fields (
    org_id     INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL CHECK (entity IN ('account', 'stakeholder')),
    key        TEXT NOT NULL,
    label      TEXT NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
    choices    TEXT NOT NULL DEFAULT '[]',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, entity, key)
);

CREATE TABLE custom_values (
    org_id    INTEGER NOT NULL,
    field_id  INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (org_id, field_id, record_id),
    FOREIGN KEY (org_id, field_id) REFERENCES custom_fields (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX custom_values_value ON custom_values (org_id, field_id, value, record_id);
CREATE INDEX custom_values_record ON custom_values (org_id, record_id, field_id);

-- +goose StatementBegin
CREATE TRIGGER custom_values_account_deleted AFTER DELETE ON accounts
BEGIN
    DELETE FROM custom_values WHERE org_id = OLD.org_id AND record_id = OLD.id
      AND field_id IN (SELECT id FROM custom_fields WHERE org_id = OLD.org_id AND entity = 'account');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_values_stakeholder_deleted AFTER DELETE ON stakeholders
BEGIN
    DELETE FROM custom_values WHERE org_id = OLD.org_id AND record_id = OLD.id
      AND field_id IN (SELECT id FROM custom_fields WHERE org_id = OLD.org_id AND entity = 'stakeholder');
END;
-- +goose StatementEnd

-- Re-imports match records on their external id (and stakeholders on their
-- e-mail address).
CREATE INDEX accounts_external ON accounts (org_id, external_id);
CREATE INDEX people_external ON people (org_id, external_id);
CREATE INDEX stakeholders_external ON stakeholders (org_id, external_id);
CREATE INDEX stakeholders_email ON stakeholders (org_id, email);
CREATE INDEX opportunities_external ON opportunities (org_id, external_id);
CREATE INDEX contracts_external ON contracts (org_id, external_id);

-- +goose Down
DROP INDEX contracts_external;
DROP INDEX opportunities_external;
DROP INDEX stakeholders_email;
DROP INDEX stakeholders_external;
DROP INDEX people_external;
DROP INDEX accounts_external;
DROP TRIGGER custom_values_stakeholder_deleted;
DROP TRIGGER custom_values_account_deleted;
DROP TABLE custom_values;
DROP TABLE custom_fields;
DROP TABLE export_jobs;
DROP TABLE import_updated;
DROP TABLE import_created;
DROP TABLE import_batches;
