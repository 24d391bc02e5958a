-- +goose Up
-- The last business review held per account (grader, cadence) reads only
-- the business-review touches: a partial index spares it a scan of every
-- touch of the organisation (5 million at 100,000 accounts).
CREATE INDEX touches_reviews ON touches (org_id, account_id, occurred_at) WHERE kind = 'business_review';

-- +goose Down
DROP INDEX touches_reviews;
