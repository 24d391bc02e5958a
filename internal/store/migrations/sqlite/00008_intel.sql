-- +goose Up
-- Knowing the account: the products catalog, the customer profile, the
-- business vision, the relationship matrix, the technology roadmap and the
-- needs assessment. Same conventions as 00001: (org_id, id) keys, composite
-- foreign keys inside one organisation, instants in Unix ms, calendar days
-- as 'YYYY-MM-DD' text ('' when unknown), money in minor units.
--
-- Optional links to records that other features may delete (stakeholders,
-- contracts, opportunities) are nullable columns without a foreign key; the
-- triggers at the end set them to NULL when the record goes, as a composite
-- ON DELETE SET NULL would also clear org_id.

-- Our products and services. A product in use by a roadmap or a need is
-- retired (retired_at > 0) rather than deleted.
CREATE TABLE products (
    org_id      INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    family      TEXT NOT NULL DEFAULT '',
    list_price  INTEGER NOT NULL DEFAULT 0 CHECK (list_price >= 0),
    currency    TEXT NOT NULL DEFAULT 'USD',
    description TEXT NOT NULL DEFAULT '',
    retired_at  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);
CREATE INDEX products_family ON products (org_id, family, name, id);

-- The customer profile's head: one row per account, version counts saves.
CREATE TABLE account_profiles (
    org_id     INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    summary    TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, account_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The profile's structured lists, one row per entry. section is one of
-- buying (who is involved in buying from us; stakeholder_id when known),
-- target_market, goal_short, goal_long, industry (industry specifics),
-- offering (their own offerings), their_competitor (their primary
-- competitors), our_competitor (our competitors inside the account).
CREATE TABLE account_profile_items (
    org_id         INTEGER NOT NULL,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    section        TEXT NOT NULL CHECK (section IN ('buying', 'target_market', 'goal_short', 'goal_long', 'industry',
                                                    'offering', 'their_competitor', 'our_competitor')),
    position       INTEGER NOT NULL DEFAULT 0,
    text           TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    stakeholder_id INTEGER,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX account_profile_items_account ON account_profile_items (org_id, account_id, section, position);

-- The business vision, one row per item and version. An edit never
-- overwrites: the old row gets superseded_at (and superseded_by, the row
-- that replaces it; NULL when the item was withdrawn) and a new row is
-- written with the account's next vision version. The current vision is the
-- rows with superseded_at = 0; the vision as of instant T is the rows with
-- created_at <= T AND (superseded_at = 0 OR superseded_at > T).
CREATE TABLE vision_items (
    org_id                INTEGER NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    id                    INTEGER PRIMARY KEY,
    account_id            INTEGER NOT NULL,
    horizon_years         INTEGER NOT NULL CHECK (horizon_years IN (1, 3, 5)),
    text                  TEXT NOT NULL,
    target_date           TEXT NOT NULL DEFAULT '',
    source_stakeholder_id INTEGER,
    source_note           TEXT NOT NULL DEFAULT '',
    stated_on             TEXT NOT NULL DEFAULT '',
    version               INTEGER NOT NULL DEFAULT 1,
    superseded_at         INTEGER NOT NULL DEFAULT 0,
    superseded_by         INTEGER,
    created_at            INTEGER NOT NULL,
    created_by            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
);
CREATE INDEX vision_items_account ON vision_items (org_id, account_id, superseded_at, horizon_years);

-- Where a stakeholder sits in the relationship matrix: function or business
-- unit, influence 1-5, attitude toward us -2 (strong opponent) .. 2 (strong
-- supporter), and the departure (left_on '' while still there; left_to
-- where they went, if known). Level and buying role stay on stakeholders.
CREATE TABLE stakeholder_maps (
    org_id         INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    function       TEXT NOT NULL DEFAULT '',
    influence      INTEGER NOT NULL DEFAULT 3 CHECK (influence BETWEEN 1 AND 5),
    attitude       INTEGER NOT NULL DEFAULT 0 CHECK (attitude BETWEEN -2 AND 2),
    left_on        TEXT NOT NULL DEFAULT '',
    left_to        TEXT NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (org_id, stakeholder_id),
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The strength of one of our people's relationship with a stakeholder.
-- Rows stay when the stakeholder leaves: they are the history of who knew
-- whom. account_id is copied from the stakeholder for per-account reads.
CREATE TABLE relationships (
    org_id         INTEGER NOT NULL,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    stakeholder_id INTEGER NOT NULL,
    person_id      INTEGER NOT NULL,
    strength       TEXT NOT NULL CHECK (strength IN ('none', 'weak', 'moderate', 'strong')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, stakeholder_id, person_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, stakeholder_id) REFERENCES stakeholders (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX relationships_account ON relationships (org_id, account_id, stakeholder_id);
CREATE INDEX relationships_person ON relationships (org_id, person_id);

-- The technology roadmap: one row per account and product. fit is 0 (not
-- rated) or 1-5; estimated_value in minor units (0 when unknown).
CREATE TABLE roadmap_items (
    org_id          INTEGER NOT NULL,
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL,
    product_id      INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_place', 'not_used', 'could_use', 'needed_for_vision', 'not_relevant')),
    since           TEXT NOT NULL DEFAULT '',
    contract_id     INTEGER,
    fit             INTEGER NOT NULL DEFAULT 0 CHECK (fit BETWEEN 0 AND 5),
    estimated_value INTEGER NOT NULL DEFAULT 0 CHECK (estimated_value >= 0),
    vision_item_id  INTEGER,
    opportunity_id  INTEGER,
    note            TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, account_id, product_id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id),
    FOREIGN KEY (org_id, vision_item_id) REFERENCES vision_items (org_id, id)
);
CREATE INDEX roadmap_items_product ON roadmap_items (org_id, product_id, account_id);

-- The needs assessment: current and anticipated needs or issues.
CREATE TABLE needs (
    org_id         INTEGER NOT NULL,
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL,
    text           TEXT NOT NULL,
    horizon        TEXT NOT NULL CHECK (horizon IN ('current', 'future')),
    priority       TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    vision_item_id INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('open', 'addressed', 'no_fit')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, vision_item_id) REFERENCES vision_items (org_id, id)
);
CREATE INDEX needs_account ON needs (org_id, account_id, status, id);

-- The offerings that answer a need.
CREATE TABLE need_products (
    org_id     INTEGER NOT NULL,
    need_id    INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, need_id, product_id),
    FOREIGN KEY (org_id, need_id) REFERENCES needs (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, product_id) REFERENCES products (org_id, id)
) WITHOUT ROWID;
CREATE INDEX need_products_product ON need_products (org_id, product_id);

-- +goose StatementBegin
CREATE TRIGGER intel_stakeholder_deleted AFTER DELETE ON stakeholders
BEGIN
    UPDATE vision_items SET source_stakeholder_id = NULL WHERE org_id = OLD.org_id AND source_stakeholder_id = OLD.id;
    UPDATE account_profile_items SET stakeholder_id = NULL WHERE org_id = OLD.org_id AND stakeholder_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_contract_deleted AFTER DELETE ON contracts
BEGIN
    UPDATE roadmap_items SET contract_id = NULL WHERE org_id = OLD.org_id AND contract_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_opportunity_deleted AFTER DELETE ON opportunities
BEGIN
    UPDATE roadmap_items SET opportunity_id = NULL WHERE org_id = OLD.org_id AND opportunity_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER intel_opportunity_deleted;
DROP TRIGGER intel_contract_deleted;
DROP TRIGGER intel_stakeholder_deleted;
DROP TABLE need_products;
DROP TABLE needs;
DROP TABLE roadmap_items;
DROP TABLE relationships;
DROP TABLE stakeholder_maps;
DROP TABLE vision_items;
DROP TABLE account_profile_items;
DROP TABLE account_profiles;
DROP TABLE products;
