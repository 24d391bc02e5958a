-- +goose Up
-- touches loses its UNIQUE (org_id, id) on SQLite. id is the table's rowid,
-- so that index only repeated the table in a second B-tree, maintained on
-- every insert: a fifth of the time of a million-line touches import
-- (BENCHMARKS.md, issue 7). Its one use was as the target of the composite
-- foreign keys of touch_people and touch_stakeholders, which now name
-- touches (id); each keeps its (org_id, person_id) or (org_id,
-- stakeholder_id) key, and the store writes an attendee's org_id from the
-- touch it belongs to. Their primary keys now lead with touch_id, so that
-- the cascade from a deleted touch finds its attendees by key (equality on
-- org_id and touch_id reads the same key as before). PostgreSQL keeps its constraint (no cost there
-- worth a table rewrite); its 00019 changes nothing.
--
-- SQLite cannot drop a constraint: the three tables are rebuilt. Renaming
-- first keeps every foreign key satisfied with checks on (the children
-- follow their parent's new name), and dropping the old tables then
-- deletes nothing that anything still refers to. DROP TABLE drops their
-- triggers and indexes, made again below as they were.
DROP TRIGGER account_contacts_added;
DROP TRIGGER account_contacts_removed;
DROP TRIGGER account_contacts_touch_changed;
DROP TRIGGER account_contacts_touch_removed;
DROP TRIGGER cadence_checkin_added;
DROP TRIGGER cadence_checkin_removed;
DROP TRIGGER cadence_checkin_touch_changed;

ALTER TABLE touch_people RENAME TO touch_people_old;
ALTER TABLE touch_stakeholders RENAME TO touch_stakeholders_old;
ALTER TABLE touches RENAME TO touches_old;

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
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
INSERT INTO touches (org_id, id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at)
SELECT org_id, id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at FROM touches_old ORDER BY id;

CREATE TABLE touch_people (
    org_id      INTEGER NOT NULL,
    touch_id    INTEGER NOT NULL REFERENCES touches (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (touch_id, org_id, person_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO touch_people (org_id, touch_id, person_id)
SELECT org_id, touch_id, person_id FROM touch_people_old ORDER BY touch_id, org_id, person_id;

CREATE TABLE touch_stakeholders (
    org_id         INTEGER NOT NULL,
    touch_id       INTEGER NOT NULL REFERENCES touches (id) ON DELETE CASCADE,
    stakeholder_id INTEGER NOT NULL,
    account_id     INTEGER NOT NULL,
    occurred_at    INTEGER NOT NULL,
    PRIMARY KEY (touch_id, org_id, stakeholder_id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO touch_stakeholders (org_id, touch_id, stakeholder_id, account_id, occurred_at)
SELECT org_id, touch_id, stakeholder_id, account_id, occurred_at FROM touch_stakeholders_old ORDER BY touch_id, org_id, stakeholder_id;

DROP TABLE touch_people_old;
DROP TABLE touch_stakeholders_old;
DROP TABLE touches_old;

CREATE INDEX touch_people_person ON touch_people (org_id, person_id, touch_id);
CREATE INDEX touch_stakeholders_account ON touch_stakeholders (org_id, account_id, stakeholder_id, occurred_at);
CREATE INDEX touch_stakeholders_stakeholder ON touch_stakeholders (org_id, stakeholder_id, occurred_at);
-- touches_account leads with account_id on SQLite (ids are unique across
-- organisations, and every query that reads it names both the organisation
-- and the account or accounts, so it reads the same rows in the same
-- order). Rebuilding it after a large import is a sort, and SQLite's sorter
-- compares the first column inline but every further one through a generic
-- record comparison: with org_id first, the same in every row, every
-- comparison took the slow path.
CREATE INDEX touches_account ON touches (account_id, org_id, occurred_at, id);
CREATE INDEX touches_occurred ON touches (org_id, occurred_at, id);
CREATE INDEX touches_reviews ON touches (org_id, account_id, occurred_at) WHERE kind = 'business_review';

-- +goose StatementBegin
CREATE TRIGGER account_contacts_added AFTER INSERT ON touch_people
BEGIN
    INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
    SELECT t.org_id, t.account_id, NEW.person_id, t.occurred_at, 1 FROM touches t WHERE t.org_id = NEW.org_id AND t.id = NEW.touch_id
    ON CONFLICT (org_id, account_id, person_id) DO UPDATE SET
        touches = touches + 1,
        last_touch_at = MAX(last_touch_at, excluded.last_touch_at);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_removed AFTER DELETE ON touch_people
BEGIN
    UPDATE account_contacts SET
        touches = (SELECT COUNT(*) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id),
        last_touch_at = COALESCE((SELECT MAX(t.occurred_at) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id), 0)
    WHERE org_id = OLD.org_id AND person_id = OLD.person_id
      AND account_id = (SELECT account_id FROM touches WHERE org_id = OLD.org_id AND id = OLD.touch_id);
    DELETE FROM account_contacts WHERE org_id = OLD.org_id AND person_id = OLD.person_id AND touches = 0
      AND account_id = (SELECT account_id FROM touches WHERE org_id = OLD.org_id AND id = OLD.touch_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_touch_changed AFTER UPDATE OF occurred_at, account_id ON touches
WHEN OLD.occurred_at <> NEW.occurred_at OR OLD.account_id <> NEW.account_id
BEGIN
    UPDATE account_contacts SET
        touches = (SELECT COUNT(*) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id),
        last_touch_at = COALESCE((SELECT MAX(t.occurred_at) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id), 0)
    WHERE org_id = NEW.org_id AND account_id IN (OLD.account_id, NEW.account_id)
      AND person_id IN (SELECT person_id FROM touch_people WHERE org_id = NEW.org_id AND touch_id = NEW.id);
    DELETE FROM account_contacts WHERE org_id = NEW.org_id AND account_id = OLD.account_id AND touches = 0;
    -- A pair new to the account has this touch alone.
    INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
    SELECT NEW.org_id, NEW.account_id, tp.person_id, NEW.occurred_at, 1 FROM touch_people tp WHERE tp.org_id = NEW.org_id AND tp.touch_id = NEW.id
    ON CONFLICT (org_id, account_id, person_id) DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_touch_removed BEFORE DELETE ON touches
BEGIN
    UPDATE account_contacts SET
        touches = touches - 1,
        last_touch_at = CASE WHEN last_touch_at > OLD.occurred_at THEN last_touch_at ELSE
            COALESCE((SELECT t.occurred_at FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
                WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id AND t.id <> OLD.id ORDER BY t.occurred_at DESC LIMIT 1), 0) END
    WHERE org_id = OLD.org_id AND account_id = OLD.account_id
      AND person_id IN (SELECT person_id FROM touch_people WHERE org_id = OLD.org_id AND touch_id = OLD.id);
    DELETE FROM account_contacts WHERE org_id = OLD.org_id AND account_id = OLD.account_id AND touches <= 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_added AFTER INSERT ON touch_stakeholders
WHEN (SELECT kind FROM touches WHERE org_id = NEW.org_id AND id = NEW.touch_id) <> 'business_review'
BEGIN
    INSERT INTO cadence_checkins (org_id, stakeholder_id, last_at, prev_at) VALUES (NEW.org_id, NEW.stakeholder_id, NEW.occurred_at, 0)
    ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET
        prev_at = CASE WHEN excluded.last_at >= last_at THEN last_at
                       WHEN excluded.last_at > prev_at THEN excluded.last_at ELSE prev_at END,
        last_at = CASE WHEN excluded.last_at >= last_at THEN excluded.last_at ELSE last_at END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_removed AFTER DELETE ON touch_stakeholders
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = OLD.org_id AND stakeholder_id = OLD.stakeholder_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_touch_changed AFTER UPDATE OF kind, occurred_at ON touches
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = NEW.org_id
      AND stakeholder_id IN (SELECT stakeholder_id FROM touch_stakeholders WHERE org_id = NEW.org_id AND touch_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER account_contacts_added;
DROP TRIGGER account_contacts_removed;
DROP TRIGGER account_contacts_touch_changed;
DROP TRIGGER account_contacts_touch_removed;
DROP TRIGGER cadence_checkin_added;
DROP TRIGGER cadence_checkin_removed;
DROP TRIGGER cadence_checkin_touch_changed;

ALTER TABLE touch_people RENAME TO touch_people_old;
ALTER TABLE touch_stakeholders RENAME TO touch_stakeholders_old;
ALTER TABLE touches RENAME TO touches_old;

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
INSERT INTO touches (org_id, id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at)
SELECT org_id, id, account_id, kind, occurred_at, summary, next_step, created_at, updated_at FROM touches_old ORDER BY id;

CREATE TABLE touch_people (
    org_id      INTEGER NOT NULL,
    touch_id    INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    PRIMARY KEY (org_id, touch_id, person_id),
    FOREIGN KEY (org_id, touch_id) REFERENCES touches (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO touch_people (org_id, touch_id, person_id)
SELECT org_id, touch_id, person_id FROM touch_people_old ORDER BY org_id, touch_id, person_id;

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
INSERT INTO touch_stakeholders (org_id, touch_id, stakeholder_id, account_id, occurred_at)
SELECT org_id, touch_id, stakeholder_id, account_id, occurred_at FROM touch_stakeholders_old ORDER BY org_id, touch_id, stakeholder_id;

DROP TABLE touch_people_old;
DROP TABLE touch_stakeholders_old;
DROP TABLE touches_old;

CREATE INDEX touch_people_person ON touch_people (org_id, person_id, touch_id);
CREATE INDEX touch_stakeholders_account ON touch_stakeholders (org_id, account_id, stakeholder_id, occurred_at);
CREATE INDEX touch_stakeholders_stakeholder ON touch_stakeholders (org_id, stakeholder_id, occurred_at);
CREATE INDEX touches_account ON touches (org_id, account_id, occurred_at, id);
CREATE INDEX touches_occurred ON touches (org_id, occurred_at, id);
CREATE INDEX touches_reviews ON touches (org_id, account_id, occurred_at) WHERE kind = 'business_review';

-- +goose StatementBegin
CREATE TRIGGER account_contacts_added AFTER INSERT ON touch_people
BEGIN
    INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
    SELECT t.org_id, t.account_id, NEW.person_id, t.occurred_at, 1 FROM touches t WHERE t.org_id = NEW.org_id AND t.id = NEW.touch_id
    ON CONFLICT (org_id, account_id, person_id) DO UPDATE SET
        touches = touches + 1,
        last_touch_at = MAX(last_touch_at, excluded.last_touch_at);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_removed AFTER DELETE ON touch_people
BEGIN
    UPDATE account_contacts SET
        touches = (SELECT COUNT(*) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id),
        last_touch_at = COALESCE((SELECT MAX(t.occurred_at) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id), 0)
    WHERE org_id = OLD.org_id AND person_id = OLD.person_id
      AND account_id = (SELECT account_id FROM touches WHERE org_id = OLD.org_id AND id = OLD.touch_id);
    DELETE FROM account_contacts WHERE org_id = OLD.org_id AND person_id = OLD.person_id AND touches = 0
      AND account_id = (SELECT account_id FROM touches WHERE org_id = OLD.org_id AND id = OLD.touch_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_touch_changed AFTER UPDATE OF occurred_at, account_id ON touches
WHEN OLD.occurred_at <> NEW.occurred_at OR OLD.account_id <> NEW.account_id
BEGIN
    UPDATE account_contacts SET
        touches = (SELECT COUNT(*) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id),
        last_touch_at = COALESCE((SELECT MAX(t.occurred_at) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
            WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id), 0)
    WHERE org_id = NEW.org_id AND account_id IN (OLD.account_id, NEW.account_id)
      AND person_id IN (SELECT person_id FROM touch_people WHERE org_id = NEW.org_id AND touch_id = NEW.id);
    DELETE FROM account_contacts WHERE org_id = NEW.org_id AND account_id = OLD.account_id AND touches = 0;
    -- A pair new to the account has this touch alone.
    INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
    SELECT NEW.org_id, NEW.account_id, tp.person_id, NEW.occurred_at, 1 FROM touch_people tp WHERE tp.org_id = NEW.org_id AND tp.touch_id = NEW.id
    ON CONFLICT (org_id, account_id, person_id) DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_contacts_touch_removed BEFORE DELETE ON touches
BEGIN
    UPDATE account_contacts SET
        touches = touches - 1,
        last_touch_at = CASE WHEN last_touch_at > OLD.occurred_at THEN last_touch_at ELSE
            COALESCE((SELECT t.occurred_at FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = account_contacts.person_id
                WHERE t.org_id = account_contacts.org_id AND t.account_id = account_contacts.account_id AND t.id <> OLD.id ORDER BY t.occurred_at DESC LIMIT 1), 0) END
    WHERE org_id = OLD.org_id AND account_id = OLD.account_id
      AND person_id IN (SELECT person_id FROM touch_people WHERE org_id = OLD.org_id AND touch_id = OLD.id);
    DELETE FROM account_contacts WHERE org_id = OLD.org_id AND account_id = OLD.account_id AND touches <= 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_added AFTER INSERT ON touch_stakeholders
WHEN (SELECT kind FROM touches WHERE org_id = NEW.org_id AND id = NEW.touch_id) <> 'business_review'
BEGIN
    INSERT INTO cadence_checkins (org_id, stakeholder_id, last_at, prev_at) VALUES (NEW.org_id, NEW.stakeholder_id, NEW.occurred_at, 0)
    ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET
        prev_at = CASE WHEN excluded.last_at >= last_at THEN last_at
                       WHEN excluded.last_at > prev_at THEN excluded.last_at ELSE prev_at END,
        last_at = CASE WHEN excluded.last_at >= last_at THEN excluded.last_at ELSE last_at END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_removed AFTER DELETE ON touch_stakeholders
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = OLD.org_id AND ts.stakeholder_id = OLD.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = OLD.org_id AND stakeholder_id = OLD.stakeholder_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cadence_checkin_touch_changed AFTER UPDATE OF kind, occurred_at ON touches
BEGIN
    UPDATE cadence_checkins SET
        last_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1), 0),
        prev_at = COALESCE((SELECT ts.occurred_at FROM touch_stakeholders ts JOIN touches t ON t.org_id = ts.org_id AND t.id = ts.touch_id WHERE ts.org_id = cadence_checkins.org_id AND ts.stakeholder_id = cadence_checkins.stakeholder_id AND t.kind <> 'business_review' ORDER BY ts.occurred_at DESC LIMIT 1 OFFSET 1), 0)
    WHERE org_id = NEW.org_id
      AND stakeholder_id IN (SELECT stakeholder_id FROM touch_stakeholders WHERE org_id = NEW.org_id AND touch_id = NEW.id);
END;
-- +goose StatementEnd
