-- Times are UTC Unix milliseconds (INTEGER): portable, sortable, no text parsing.
-- Multi-valued aggregates are distinct, sorted and joined with a backslash, as DICOM writes them.

CREATE TABLE study (
    id INTEGER PRIMARY KEY,
    study_instance_uid TEXT NOT NULL UNIQUE,
    study_date TEXT,
    study_time TEXT,
    accession_number TEXT,
    dicom_study_id TEXT,
    study_description TEXT,
    referring_physician_name TEXT,
    patient_name TEXT,
    patient_name_normalized TEXT,
    patient_id TEXT,
    patient_birth_date TEXT,
    patient_sex TEXT,
    timezone_offset_from_utc TEXT,
    modalities_in_study TEXT,
    sop_classes_in_study TEXT,
    number_of_series INTEGER NOT NULL DEFAULT 0,
    number_of_instances INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX ix_study_patient_name_normalized ON study (patient_name_normalized);
CREATE INDEX ix_study_patient_id ON study (patient_id);
CREATE INDEX ix_study_accession_number ON study (accession_number);
CREATE INDEX ix_study_study_date ON study (study_date, study_time);
CREATE INDEX ix_study_created_at ON study (created_at);

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    study_id INTEGER NOT NULL REFERENCES study (id),
    series_instance_uid TEXT NOT NULL UNIQUE,
    modality TEXT,
    series_number INTEGER,
    series_description TEXT,
    series_date TEXT,
    series_time TEXT,
    performed_procedure_step_start_date TEXT,
    performed_procedure_step_start_time TEXT,
    number_of_instances INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX ix_series_study_id ON series (study_id, series_number);
CREATE INDEX ix_series_modality ON series (modality, study_id);

CREATE TABLE instance (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series (id),
    sop_instance_uid TEXT NOT NULL UNIQUE,
    sop_class_uid TEXT NOT NULL,
    instance_number INTEGER,
    pixel_rows INTEGER,
    pixel_columns INTEGER,
    bits_allocated INTEGER,
    number_of_frames INTEGER,
    transfer_syntax_uid TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    blob_key TEXT NOT NULL,
    tier TEXT NOT NULL,
    pixel_data_offset INTEGER,
    frame_table BLOB,
    metadata BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX ix_instance_series_id ON instance (series_id, instance_number);
CREATE INDEX ix_instance_blob_key ON instance (blob_key);
CREATE INDEX ix_instance_created_at ON instance (created_at);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    study_instance_uid TEXT,
    series_instance_uid TEXT,
    sop_instance_uid TEXT
);

CREATE INDEX ix_audit_study_instance_uid ON audit (study_instance_uid, occurred_at);
CREATE INDEX ix_audit_occurred_at ON audit (occurred_at);
