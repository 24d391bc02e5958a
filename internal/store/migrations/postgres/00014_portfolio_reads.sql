-- +goose Up
-- Two read paths that scan a whole organisation, made cheap by keeping what
-- they need where they read it (see BENCHMARKS.md, Portfolio and Staffing).
-- Same tables, rows and rules as the SQLite migration of the same number;
-- the triggers are written as PL/pgSQL functions.
--
-- 1. The ranking reads every account's portfolio row; portfolio_accounts now
-- carries the owner (0 for none) and the sort name, and every account has a
-- row, kept so by triggers on accounts.
ALTER TABLE portfolio_accounts
    ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

INSERT INTO portfolio_accounts (org_id, account_id, owner_id, name_key)
SELECT org_id, id, COALESCE(owner_id, 0), name_key FROM accounts
ON CONFLICT (org_id, account_id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key;

-- +goose StatementBegin
CREATE FUNCTION portfolio_account_mirror() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO portfolio_accounts (org_id, account_id, owner_id, name_key)
    VALUES (NEW.org_id, NEW.id, COALESCE(NEW.owner_id, 0), NEW.name_key)
    ON CONFLICT (org_id, account_id) DO UPDATE SET owner_id = excluded.owner_id, name_key = excluded.name_key;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER portfolio_account_added AFTER INSERT ON accounts
FOR EACH ROW EXECUTE FUNCTION portfolio_account_mirror();
CREATE TRIGGER portfolio_account_changed AFTER UPDATE OF owner_id, name_key ON accounts
FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.name_key IS DISTINCT FROM NEW.name_key)
EXECUTE FUNCTION portfolio_account_mirror();

-- 2. One row per (account, person present at one of its touches): how many
-- touches and the latest. See the SQLite migration for the rules the
-- triggers follow.
CREATE TABLE account_contacts (
    org_id        BIGINT NOT NULL,
    account_id    BIGINT NOT NULL,
    person_id     BIGINT NOT NULL,
    last_touch_at BIGINT NOT NULL,
    touches       BIGINT NOT NULL,
    PRIMARY KEY (org_id, account_id, person_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);

INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
SELECT t.org_id, t.account_id, tp.person_id, MAX(t.occurred_at), COUNT(*)
FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id
GROUP BY t.org_id, t.account_id, tp.person_id;

-- account_contacts_recount sets the pairs of the given account and people
-- from the touches as they are now, and deletes those left with none.
-- +goose StatementBegin
CREATE FUNCTION account_contacts_recount(p_org BIGINT, p_accounts BIGINT[], p_people BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_contacts c SET
        touches = (SELECT COUNT(*) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = c.person_id
            WHERE t.org_id = c.org_id AND t.account_id = c.account_id),
        last_touch_at = COALESCE((SELECT MAX(t.occurred_at) FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = c.person_id
            WHERE t.org_id = c.org_id AND t.account_id = c.account_id), 0)
    WHERE c.org_id = p_org AND c.account_id = ANY (p_accounts) AND c.person_id = ANY (p_people);
    DELETE FROM account_contacts WHERE org_id = p_org AND account_id = ANY (p_accounts) AND person_id = ANY (p_people) AND touches = 0;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION account_contacts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_contacts AS c (org_id, account_id, person_id, last_touch_at, touches)
    SELECT t.org_id, t.account_id, NEW.person_id, t.occurred_at, 1 FROM touches t WHERE t.org_id = NEW.org_id AND t.id = NEW.touch_id
    ON CONFLICT (org_id, account_id, person_id) DO UPDATE SET
        touches = c.touches + 1,
        last_touch_at = GREATEST(c.last_touch_at, excluded.last_touch_at);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER account_contacts_added AFTER INSERT ON touch_people
FOR EACH ROW EXECUTE FUNCTION account_contacts_added();

-- +goose StatementBegin
CREATE FUNCTION account_contacts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    acct BIGINT;
BEGIN
    SELECT account_id INTO acct FROM touches WHERE org_id = OLD.org_id AND id = OLD.touch_id;
    IF acct IS NOT NULL THEN
        PERFORM account_contacts_recount(OLD.org_id, ARRAY[acct], ARRAY[OLD.person_id]);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER account_contacts_removed AFTER DELETE ON touch_people
FOR EACH ROW EXECUTE FUNCTION account_contacts_removed();

-- +goose StatementBegin
CREATE FUNCTION account_contacts_touch_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_contacts c SET
        touches = c.touches - 1,
        last_touch_at = CASE WHEN c.last_touch_at > OLD.occurred_at THEN c.last_touch_at ELSE
            COALESCE((SELECT t.occurred_at FROM touches t JOIN touch_people tp ON tp.org_id = t.org_id AND tp.touch_id = t.id AND tp.person_id = c.person_id
                WHERE t.org_id = c.org_id AND t.account_id = c.account_id AND t.id <> OLD.id ORDER BY t.occurred_at DESC LIMIT 1), 0) END
    WHERE c.org_id = OLD.org_id AND c.account_id = OLD.account_id
      AND c.person_id IN (SELECT person_id FROM touch_people WHERE org_id = OLD.org_id AND touch_id = OLD.id);
    DELETE FROM account_contacts WHERE org_id = OLD.org_id AND account_id = OLD.account_id AND touches <= 0;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER account_contacts_touch_removed BEFORE DELETE ON touches
FOR EACH ROW EXECUTE FUNCTION account_contacts_touch_removed();

-- +goose StatementBegin
CREATE FUNCTION account_contacts_touch_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM account_contacts_recount(NEW.org_id, ARRAY[OLD.account_id, NEW.account_id],
        ARRAY(SELECT person_id FROM touch_people WHERE org_id = NEW.org_id AND touch_id = NEW.id));
    INSERT INTO account_contacts (org_id, account_id, person_id, last_touch_at, touches)
    SELECT NEW.org_id, NEW.account_id, tp.person_id, NEW.occurred_at, 1 FROM touch_people tp WHERE tp.org_id = NEW.org_id AND tp.touch_id = NEW.id
    ON CONFLICT (org_id, account_id, person_id) DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER account_contacts_touch_changed AFTER UPDATE OF occurred_at, account_id ON touches
FOR EACH ROW WHEN (OLD.occurred_at <> NEW.occurred_at OR OLD.account_id <> NEW.account_id)
EXECUTE FUNCTION account_contacts_touch_changed();

-- +goose Down
DROP TRIGGER account_contacts_touch_changed ON touches;
DROP FUNCTION account_contacts_touch_changed();
DROP TRIGGER account_contacts_touch_removed ON touches;
DROP FUNCTION account_contacts_touch_removed();
DROP TRIGGER account_contacts_removed ON touch_people;
DROP FUNCTION account_contacts_removed();
DROP TRIGGER account_contacts_added ON touch_people;
DROP FUNCTION account_contacts_added();
DROP FUNCTION account_contacts_recount(BIGINT, BIGINT[], BIGINT[]);
DROP TABLE account_contacts;
DROP TRIGGER portfolio_account_changed ON accounts;
DROP TRIGGER portfolio_account_added ON accounts;
DROP FUNCTION portfolio_account_mirror();
-- Rows of accounts never rated, tiered or decided go (as before 00014).
DELETE FROM portfolio_accounts WHERE ratings = '' AND rated_at = 0 AND tier = '' AND computed_tier = '' AND computed_at = 0
    AND override_tier = '' AND override_at = 0 AND decision = '' AND decision_at = 0 AND revenue = 0;
ALTER TABLE portfolio_accounts DROP COLUMN name_key, DROP COLUMN owner_id;
