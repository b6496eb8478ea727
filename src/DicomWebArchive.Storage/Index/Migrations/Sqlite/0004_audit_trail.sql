-- The audit trail: one record per access to patient data (who, from where, what, which study and patient, how it
-- ended), append-only and hash-chained. Each record's hash covers the previous record's hash and its own fields; the
-- archive seals records that have none (those carried over below) when it starts.

CREATE TABLE audit_event (
    sequence INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    subject TEXT,
    subject_name TEXT,
    client_address TEXT,
    action TEXT NOT NULL,
    study_instance_uid TEXT,
    series_instance_uid TEXT,
    sop_instance_uid TEXT,
    patient_id TEXT,
    outcome TEXT NOT NULL,
    status INTEGER,
    bytes INTEGER,
    correlation_id TEXT,
    details TEXT,
    previous_hash BLOB,
    hash BLOB
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

-- Records are never changed once sealed, nor removed: the archive's own code cannot, by mistake. (Someone with write
-- access to the file can drop these triggers; the hash chain then shows what they changed.)
CREATE TRIGGER audit_event_append_only_update BEFORE UPDATE ON audit_event WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

CREATE TRIGGER audit_event_append_only_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
