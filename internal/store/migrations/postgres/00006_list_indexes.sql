-- +goose Up
-- An account's contracts and opportunities are listed in their default
-- order (contracts by end date, opportunities by name). With indexes that
-- lead with the account and then that order, the database reads just the
-- account's rows instead of walking the whole organisation's contracts in
-- end-date order (measured: 2 s per account page on 300,000 contracts).
DROP INDEX contracts_account;
CREATE INDEX contracts_account ON contracts (org_id, account_id, end_date, id);
DROP INDEX opportunities_account;
CREATE INDEX opportunities_account ON opportunities (org_id, account_id, name, id);

-- +goose Down
DROP INDEX contracts_account;
CREATE INDEX contracts_account ON contracts (org_id, account_id, id);
DROP INDEX opportunities_account;
CREATE INDEX opportunities_account ON opportunities (org_id, account_id, id);
