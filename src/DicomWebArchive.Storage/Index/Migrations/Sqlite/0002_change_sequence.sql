-- Every write of an instance takes the next sequence number: the change feed reads this table in order, and the
-- latest sequence of a study, series or instance validates cached metadata without reading it.

CREATE TABLE change_log (
    sequence INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    action TEXT NOT NULL,
    study_instance_uid TEXT NOT NULL,
    series_instance_uid TEXT NOT NULL,
    sop_instance_uid TEXT NOT NULL
);

CREATE INDEX ix_change_log_occurred_at ON change_log (occurred_at);

ALTER TABLE instance ADD COLUMN change_sequence INTEGER NOT NULL DEFAULT 0;

-- Instances stored before this version enter the log in the order they were stored.
INSERT INTO change_log (occurred_at, action, study_instance_uid, series_instance_uid, sop_instance_uid)
SELECT i.created_at, 'create', st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid
FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
ORDER BY i.id;

CREATE INDEX ix_change_log_backfill ON change_log (sop_instance_uid);
UPDATE instance SET change_sequence = (SELECT c.sequence FROM change_log c WHERE c.sop_instance_uid = instance.sop_instance_uid);
DROP INDEX ix_change_log_backfill;
