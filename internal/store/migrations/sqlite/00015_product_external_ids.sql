-- +goose Up
-- Products import and export (issue 7): a re-imported catalog matches its
-- products on the external id a CRM or ERP gave them, else on the name.
ALTER TABLE products ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE INDEX products_external ON products (org_id, external_id) WHERE external_id <> '';

-- +goose Down
DROP INDEX products_external;
ALTER TABLE products DROP COLUMN external_id;
