-- Per-study access (Auth:StudyAccess): each study keeps the value of the configured attribute, and every search and
-- lookup of a restricted caller matches on it. Studies stored before keep none: only administrators see them until
-- they are indexed again.

ALTER TABLE study ADD access_key NVARCHAR(400) COLLATE Latin1_General_100_BIN2 NULL;

CREATE INDEX ix_study_access_key ON study (access_key);
