-- +goose Up
-- How an NPS answer reached us: 'link' (the respondent's personal link),
-- or recorded by one of our people from 'paper', 'phone' or 'other'.
-- Until now a recorded answer kept its channel at the start of its comment
-- ("(on paper) …") and in its audit entry ('record', with a "channel"
-- change); those answers get their channel from the audit entry and their
-- comment back as typed. Every other answer — through a link, or recorded
-- without a channel (demo data, earlier tools) — stays 'link'.
ALTER TABLE survey_responses ADD COLUMN channel TEXT NOT NULL DEFAULT 'link'
    CHECK (channel IN ('link', 'paper', 'phone', 'other'));

UPDATE survey_responses SET channel = 'paper' WHERE EXISTS (SELECT 1 FROM audit x
    WHERE x.org_id = survey_responses.org_id AND x.entity = 'survey_response' AND x.entity_id = survey_responses.id
    AND x.action = 'record' AND x.changes LIKE '%"channel":{"old":null,"new":"paper"}%');
UPDATE survey_responses SET channel = 'phone' WHERE EXISTS (SELECT 1 FROM audit x
    WHERE x.org_id = survey_responses.org_id AND x.entity = 'survey_response' AND x.entity_id = survey_responses.id
    AND x.action = 'record' AND x.changes LIKE '%"channel":{"old":null,"new":"phone"}%');
UPDATE survey_responses SET channel = 'other' WHERE EXISTS (SELECT 1 FROM audit x
    WHERE x.org_id = survey_responses.org_id AND x.entity = 'survey_response' AND x.entity_id = survey_responses.id
    AND x.action = 'record' AND x.changes LIKE '%"channel":{"old":null,"new":"other"}%');

-- The notes were "(on paper)", "(by phone)" (10 characters) and
-- "(received otherwise)" (20), then a space when there was a comment.
UPDATE survey_responses SET comment = ltrim(substr(comment, 11)) WHERE channel = 'paper' AND comment LIKE '(on paper)%';
UPDATE survey_responses SET comment = ltrim(substr(comment, 11)) WHERE channel = 'phone' AND comment LIKE '(by phone)%';
UPDATE survey_responses SET comment = ltrim(substr(comment, 21)) WHERE channel = 'other' AND comment LIKE '(received otherwise)%';

-- +goose Down
UPDATE survey_responses SET comment = CASE WHEN comment = '' THEN '(on paper)' ELSE '(on paper) ' || comment END WHERE channel = 'paper';
UPDATE survey_responses SET comment = CASE WHEN comment = '' THEN '(by phone)' ELSE '(by phone) ' || comment END WHERE channel = 'phone';
UPDATE survey_responses SET comment = CASE WHEN comment = '' THEN '(received otherwise)' ELSE '(received otherwise) ' || comment END WHERE channel = 'other';
ALTER TABLE survey_responses DROP COLUMN channel;
