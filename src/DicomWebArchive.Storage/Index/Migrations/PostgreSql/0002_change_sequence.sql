-- Every write of an instance takes the next sequence number: the change feed reads this table in order, and the
-- latest sequence of a study, series or instance validates cached metadata without reading it. Writers take the
-- number under a lock held to COMMIT (PostgreSqlIndexDatabase), so numbers appear in commit order.

CREATE TABLE change_log (
    sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    study_instance_uid TEXT COLLATE "C" NOT NULL,
    series_instance_uid TEXT COLLATE "C" NOT NULL,
    sop_instance_uid TEXT COLLATE "C" NOT NULL
);

CREATE INDEX ix_change_log_occurred_at ON change_log (occurred_at);

ALTER TABLE instance ADD COLUMN change_sequence BIGINT NOT NULL DEFAULT 0;

-- Instances stored before this version enter the log in the order they were stored: numbered explicitly, since an
-- identity does not promise to follow an INSERT ... SELECT's ORDER BY.
INSERT INTO change_log (sequence, occurred_at, action, study_instance_uid, series_instance_uid, sop_instance_uid)
OVERRIDING SYSTEM VALUE
SELECT ROW_NUMBER() OVER (ORDER BY i.id), i.created_at, 'create', st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid
FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id;

SELECT setval(pg_get_serial_sequence('change_log', 'sequence'), COALESCE(MAX(sequence), 0) + 1, false) FROM change_log;

UPDATE instance SET change_sequence = c.sequence FROM change_log c WHERE c.sop_instance_uid = instance.sop_instance_uid;
