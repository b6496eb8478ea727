-- The audit trail: one record per access to patient data (who, from where, what, which study and patient, how it
-- ended), append-only and hash-chained. Each record's hash covers the previous record's hash and its own fields; the
-- archive seals records that have none (those carried over below) when it starts. Appends take an application lock
-- held to COMMIT (SqlServerIndexDatabase), so the chain follows the order records commit in.

CREATE TABLE audit_event (
    sequence BIGINT IDENTITY(1,1) PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    subject NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    subject_name NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    client_address NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    action NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    series_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    patient_id NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    outcome NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2 NOT NULL,
    status INT,
    bytes BIGINT,
    correlation_id NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    details NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    previous_hash VARBINARY(32),
    hash VARBINARY(32)
);

INSERT INTO audit_event (occurred_at, subject, action, study_instance_uid, series_instance_uid, sop_instance_uid, outcome, details)
SELECT occurred_at, actor, 'store', study_instance_uid, series_instance_uid, sop_instance_uid, 'success',
       CASE action WHEN 'replace' THEN 'replaced' ELSE 'stored' END
FROM audit ORDER BY id;

DROP TABLE audit;

CREATE INDEX ix_audit_event_occurred_at ON audit_event (occurred_at);
CREATE INDEX ix_audit_event_patient_id ON audit_event (patient_id, sequence);
CREATE INDEX ix_audit_event_study ON audit_event (study_instance_uid, sequence);
CREATE INDEX ix_audit_event_subject ON audit_event (subject, sequence);

GO

-- Records are never changed once sealed, nor removed: the archive's own code cannot, by mistake. (An owner of the
-- database can drop the trigger; the hash chain then shows what they changed.)
CREATE TRIGGER audit_event_append_only ON audit_event AFTER UPDATE, DELETE AS
BEGIN
    IF EXISTS (SELECT 1 FROM deleted d WHERE d.hash IS NOT NULL OR NOT EXISTS (SELECT 1 FROM inserted i WHERE i.sequence = d.sequence))
    BEGIN
        THROW 51000, 'audit records are append-only', 1;
    END
END
