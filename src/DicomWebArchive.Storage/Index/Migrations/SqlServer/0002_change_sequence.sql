-- Every write of an instance takes the next sequence number: the change feed reads this table in order, and the
-- latest sequence of a study, series or instance validates cached metadata without reading it. Writers take the
-- number under a lock held to COMMIT (SqlServerIndexDatabase), so numbers appear in commit order.

CREATE TABLE change_log (
    sequence BIGINT IDENTITY(1,1) PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    action NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    series_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL
);

CREATE INDEX ix_change_log_occurred_at ON change_log (occurred_at);

ALTER TABLE instance ADD change_sequence BIGINT NOT NULL CONSTRAINT df_instance_change_sequence DEFAULT 0;
GO

-- Instances stored before this version enter the log in the order they were stored, numbered explicitly; the
-- identity then continues after the highest number inserted.
SET IDENTITY_INSERT change_log ON;

INSERT INTO change_log (sequence, occurred_at, action, study_instance_uid, series_instance_uid, sop_instance_uid)
SELECT ROW_NUMBER() OVER (ORDER BY i.id), i.created_at, 'create', st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid
FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id;

SET IDENTITY_INSERT change_log OFF;

UPDATE i SET change_sequence = c.sequence FROM instance i JOIN change_log c ON c.sop_instance_uid = i.sop_instance_uid;
