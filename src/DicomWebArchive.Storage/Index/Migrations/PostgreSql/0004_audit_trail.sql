-- The audit trail: one record per access to patient data (who, from where, what, which study and patient, how it
-- ended), append-only and hash-chained. Each record's hash covers the previous record's hash and its own fields; the
-- archive seals records that have none (those carried over below) when it starts. Appends take a lock held to COMMIT
-- (PostgreSqlIndexDatabase), so the chain follows the order records commit in.

CREATE TABLE audit_event (
    sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    subject TEXT COLLATE "C",
    subject_name TEXT COLLATE "C",
    client_address TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    study_instance_uid TEXT COLLATE "C",
    series_instance_uid TEXT COLLATE "C",
    sop_instance_uid TEXT COLLATE "C",
    patient_id TEXT COLLATE "C",
    outcome TEXT COLLATE "C" NOT NULL,
    status INTEGER,
    bytes BIGINT,
    correlation_id TEXT COLLATE "C",
    details TEXT COLLATE "C",
    previous_hash BYTEA,
    hash BYTEA
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

-- Records are never changed once sealed, nor removed: the archive's own code cannot, by mistake. (An owner of the
-- database can drop the trigger; the hash chain then shows what they changed.)
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit records are append-only';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
