-- The SQLite schema in SQL Server's types. Times are UTC Unix milliseconds (BIGINT), keys BIGINT identities.
-- Text is NVARCHAR (Dapper sends strings as NVARCHAR: a VARCHAR column would be converted and its index skipped) in the
-- binary collation Latin1_General_100_BIN2: case- and accent-sensitive like SQLite's BINARY, whatever the database's
-- default (usually case-insensitive), so DICOM wild cards stay case-sensitive, names match through their normalised
-- upper-case column, and DA/TM ranges sort as their digits do. Indexed columns are sized to fit an index key
-- (1,700 bytes); the others are NVARCHAR(MAX), so no stored value is ever cut.
-- Multi-valued aggregates are distinct, sorted and joined with a backslash, as DICOM writes them.

CREATE TABLE study (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT uq_study_study_instance_uid UNIQUE,
    study_date NVARCHAR(200) COLLATE Latin1_General_100_BIN2,
    study_time NVARCHAR(200) COLLATE Latin1_General_100_BIN2,
    accession_number NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    dicom_study_id NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    study_description NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    referring_physician_name NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    patient_name NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    patient_name_normalized NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    patient_id NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    patient_birth_date NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    patient_sex NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    timezone_offset_from_utc NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    modalities_in_study NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    sop_classes_in_study NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    number_of_series BIGINT NOT NULL CONSTRAINT df_study_number_of_series DEFAULT 0,
    number_of_instances BIGINT NOT NULL CONSTRAINT df_study_number_of_instances DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX ix_study_patient_name_normalized ON study (patient_name_normalized);
CREATE INDEX ix_study_patient_id ON study (patient_id);
CREATE INDEX ix_study_accession_number ON study (accession_number);
CREATE INDEX ix_study_study_date ON study (study_date, study_time);
CREATE INDEX ix_study_created_at ON study (created_at);

CREATE TABLE series (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    study_id BIGINT NOT NULL CONSTRAINT fk_series_study REFERENCES study (id),
    series_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT uq_series_series_instance_uid UNIQUE,
    modality NVARCHAR(400) COLLATE Latin1_General_100_BIN2,
    series_number BIGINT,
    series_description NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    series_date NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    series_time NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    performed_procedure_step_start_date NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    performed_procedure_step_start_time NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    number_of_instances BIGINT NOT NULL CONSTRAINT df_series_number_of_instances DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE INDEX ix_series_study_id ON series (study_id, series_number);
CREATE INDEX ix_series_modality ON series (modality, study_id);

CREATE TABLE instance (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    series_id BIGINT NOT NULL CONSTRAINT fk_instance_series REFERENCES series (id),
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT uq_instance_sop_instance_uid UNIQUE,
    sop_class_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    instance_number BIGINT,
    pixel_rows BIGINT,
    pixel_columns BIGINT,
    bits_allocated BIGINT,
    number_of_frames BIGINT,
    transfer_syntax_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARBINARY(32) NOT NULL,
    blob_key NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    tier NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    pixel_data_offset BIGINT,
    frame_table VARBINARY(MAX),
    metadata VARBINARY(MAX) NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX ix_instance_series_id ON instance (series_id, instance_number);
CREATE INDEX ix_instance_blob_key ON instance (blob_key);
CREATE INDEX ix_instance_created_at ON instance (created_at);

CREATE TABLE audit (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    actor NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    action NVARCHAR(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    series_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2
);

CREATE INDEX ix_audit_study_instance_uid ON audit (study_instance_uid, occurred_at);
CREATE INDEX ix_audit_occurred_at ON audit (occurred_at);
