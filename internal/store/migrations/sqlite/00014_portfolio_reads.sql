-- +goose Up
-- Two read paths that scan a whole organisation, made cheap by keeping what
-- they need where they read it (see BENCHMARKS.md, Portfolio and Staffing).
--
-- 1. The ranking reads every account's portfolio row. It used to read the
-- accounts as well, for the owner and the sort name: a second 100,000-row
-- read. portfolio_accounts now carries both, and every account has a row
-- (an account with nothing rated has one with the defaults): triggers on
-- accounts create the row and keep owner_id and name_key in step, so every
-- write path (forms, API, import, bulk load, copy) stays correct without
-- knowing about it. owner_id is 0 for an account without an owner.
ALTER TABLE portfolio_accounts ADD COLUMN owner_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portfolio_accounts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

INSERT INTO portfolio_accounts (org_id, account_id, owner_id, name_key)
SELECT org_id, id, COALESCE(owner_id, 0), name_key FROM accounts WHERE true
ON CONFLICT (org_id, account_id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key;

-- +goose StatementBegin
CREATE TRIGGER portfolio_account_added AFTER INSERT ON accounts
BEGIN
    INSERT INTO portfolio_accounts (org_id, account_id, owner_id, name_key)
    VALUES (NEW.org_id, NEW.id, COALESCE(NEW.owner_id, 0), NEW.name_key)
    ON CONFLICT (org_id, account_id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER portfolio_account_changed AFTER UPDATE OF owner_id, name_key ON accounts
WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.name_key IS NOT NEW.name_key
BEGIN
    INSERT INTO portfolio_accounts (org_id, account_id, owner_id, name_key)
    VALUES (NEW.org_id, NEW.id, COALESCE(NEW.owner_id, 0), NEW.name_key)
    ON CONFLICT (org_id, account_id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key;
END;
-- +goose StatementEnd

-- 2. The workload board's relationship look-up: who was present at a touch
-- of each account, and when last. Joining a year of touches with the people
-- present costs a look-up per touch (13 s for a manager with thousands of
-- accounts at 100,000 accounts); this table holds one row per (account,
-- person) instead: how many touches of the account the person was present
-- at and the instant of the latest. Triggers keep it:
--   - a new attendance adds one touch and moves last_touch_at forward;
--   - a removed attendance recounts that pair (when its touch is deleted,
--     the BEFORE DELETE trigger on touches has done it already, and the
--     touch is gone by the time the attendance goes);
--   - a deleted touch takes one touch off each pair present, looking up
--     last_touch_at again only when it was that touch's (the latest other
--     touch, walking touches_account backwards: deleting an account's
--     touches latest first stays linear);
--   - a touch whose time or account changes recounts the pairs of the
--     people present, on the old and the new account.
-- A pair left with no touch is deleted. The bulk loader may drop
-- account_contacts_added for a large load and call rebuildAccountContacts
-- afterwards (store/portfolio_contacts.go).
CREATE TABLE account_contacts (
    org_id        INTEGER NOT NULL,
    account_id    INTEGER NOT NULL,
    person_id     INTEGER NOT NULL,
    last_touch_at INTEGER NOT NULL,
    touches       INTEGER NOT NULL,
    PRIMARY KEY (org_id, account_id, person_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
SELECT t.org_id, t.account_id, tp.person_id, MAX(t.occurred_at), COUNT(*)
FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id
GROUP BY t.org_id, t.account_id, tp.person_id;

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

-- +goose Down
DROP TRIGGER account_contacts_touch_changed;
DROP TRIGGER account_contacts_touch_removed;
DROP TRIGGER account_contacts_removed;
DROP TRIGGER account_contacts_added;
DROP TABLE account_contacts;
DROP TRIGGER portfolio_account_changed;
DROP TRIGGER portfolio_account_added;
-- Rows of accounts never rated, tiered or decided go (as before 00014).
DELETE FROM portfolio_accounts WHERE ratings = '' AND rated_at = 0 AND tier = '' AND computed_tier = '' AND computed_at = 0
    AND override_tier = '' AND override_at = 0 AND decision = '' AND decision_at = 0 AND revenue = 0;
ALTER TABLE portfolio_accounts DROP COLUMN name_key;
ALTER TABLE portfolio_accounts DROP COLUMN owner_id;
