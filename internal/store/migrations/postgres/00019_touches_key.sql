-- +goose Up
-- On SQLite, 00019 drops touches' UNIQUE (org_id, id), a second B-tree of
-- the rowid maintained on every insert (see sqlite/00019). PostgreSQL keeps
-- the constraint, which its composite foreign keys need and which costs it
-- little: nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
