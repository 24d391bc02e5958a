-- +goose Up
-- Background exports and imports whose progress every instance sees
-- (internal/store/exchange_jobs.go). Several `samwise serve` may share one
-- database: a job's state lives here, not in the memory of the instance
-- running it. heartbeat_at is written every few seconds while a job runs; a
-- running job whose heartbeat stopped for minutes died with its instance.
--
-- export_jobs (00009) gains the list filters it was started with (JSON), its
-- total row count (for the progress bar), the file's size, when the file
-- expires (removed by the cleanup job) and the heartbeat. A cancel sets the
-- status to 'cancelled' while the job runs; the job sees it at its next
-- progress update, stops and removes its file.
ALTER TABLE export_jobs ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
ALTER TABLE export_jobs ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE export_jobs ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE export_jobs ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE export_jobs ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX export_jobs_expires ON export_jobs (expires_at);

-- import_batches: while a batch runs, lines holds the lines read so far;
-- bytes_read of size says how far into the file it is.
ALTER TABLE import_batches ADD COLUMN bytes_read BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_batches DROP COLUMN heartbeat_at;
ALTER TABLE import_batches DROP COLUMN size;
ALTER TABLE import_batches DROP COLUMN bytes_read;
DROP INDEX export_jobs_expires;
ALTER TABLE export_jobs DROP COLUMN heartbeat_at;
ALTER TABLE export_jobs DROP COLUMN expires_at;
ALTER TABLE export_jobs DROP COLUMN size;
ALTER TABLE export_jobs DROP COLUMN total;
ALTER TABLE export_jobs DROP COLUMN filters;
