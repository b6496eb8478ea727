-- The SQLite schema in PostgreSQL's types. Times are UTC Unix milliseconds (BIGINT), keys BIGINT identities.
-- Every text column compares in the "C" collation: byte order, case-sensitive, as SQLite's BINARY. Matching then
-- behaves the same whatever collation the database was created with (DICOM wild cards are case-sensitive, names are
-- matched through their normalised upper-case column), ranges of DA/TM text sort as their digits do, and a B-tree
-- index serves LIKE 'prefix%' without text_pattern_ops.
-- Multi-valued aggregates are distinct, sorted and joined with a backslash, as DICOM writes them.

CREATE TABLE study (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid TEXT COLLATE "C" NOT NULL UNIQUE,
    study_date TEXT COLLATE "C",
    study_time TEXT COLLATE "C",
    accession_number TEXT COLLATE "C",
    dicom_study_id TEXT COLLATE "C",
    study_description TEXT COLLATE "C",
    referring_physician_name TEXT COLLATE "C",
    patient_name TEXT COLLATE "C",
    patient_name_normalized TEXT COLLATE "C",
    patient_id TEXT COLLATE "C",
    patient_birth_date TEXT COLLATE "C",
    patient_sex TEXT COLLATE "C",
    timezone_offset_from_utc TEXT COLLATE "C",
    modalities_in_study TEXT COLLATE "C",
    sop_classes_in_study TEXT COLLATE "C",
    number_of_series BIGINT NOT NULL DEFAULT 0,
    number_of_instances BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX ix_study_patient_name_normalized ON study (patient_name_normalized);
CREATE INDEX ix_study_patient_id ON study (patient_id);
CREATE INDEX ix_study_accession_number ON study (accession_number);
CREATE INDEX ix_study_study_date ON study (study_date, study_time);
CREATE INDEX ix_study_created_at ON study (created_at);

CREATE TABLE series (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_id BIGINT NOT NULL REFERENCES study (id),
    series_instance_uid TEXT COLLATE "C" NOT NULL UNIQUE,
    modality TEXT COLLATE "C",
    series_number BIGINT,
    series_description TEXT COLLATE "C",
    series_date TEXT COLLATE "C",
    series_time TEXT COLLATE "C",
    performed_procedure_step_start_date TEXT COLLATE "C",
    performed_procedure_step_start_time TEXT COLLATE "C",
    number_of_instances BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE INDEX ix_series_study_id ON series (study_id, series_number);
CREATE INDEX ix_series_modality ON series (modality, study_id);

CREATE TABLE instance (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_id BIGINT NOT NULL REFERENCES series (id),
    sop_instance_uid TEXT COLLATE "C" NOT NULL UNIQUE,
    sop_class_uid TEXT COLLATE "C" NOT NULL,
    instance_number BIGINT,
    pixel_rows BIGINT,
    pixel_columns BIGINT,
    bits_allocated BIGINT,
    number_of_frames BIGINT,
    transfer_syntax_uid TEXT COLLATE "C" NOT NULL,
    size BIGINT NOT NULL,
    sha256 BYTEA NOT NULL,
    blob_key TEXT COLLATE "C" NOT NULL,
    tier TEXT COLLATE "C" NOT NULL,
    pixel_data_offset BIGINT,
    frame_table BYTEA,
    metadata BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX ix_instance_series_id ON instance (series_id, instance_number);
CREATE INDEX ix_instance_blob_key ON instance (blob_key);
CREATE INDEX ix_instance_created_at ON instance (created_at);

CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    actor TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    study_instance_uid TEXT COLLATE "C",
    series_instance_uid TEXT COLLATE "C",
    sop_instance_uid TEXT COLLATE "C"
);

CREATE INDEX ix_audit_study_instance_uid ON audit (study_instance_uid, occurred_at);
CREATE INDEX ix_audit_occurred_at ON audit (occurred_at);
