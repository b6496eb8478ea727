-- Data management (as in SQLite, in SQL Server's types): deletion with a purge delay, bulk updates that keep the replaced blobs until then, long-running
-- operations any replica can answer for, and per-study access on the change feed.

-- A deleted instance leaves the live tables at once (every read, search and aggregate then ignores it without a
-- condition of its own) and waits here until its blob is purged; the blob holds everything needed to restore it.
CREATE TABLE deleted_instance (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    series_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARBINARY(32) NOT NULL,
    blob_key NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    deleted_at BIGINT NOT NULL,
    purge_after BIGINT NOT NULL
);

CREATE INDEX ix_deleted_instance_study ON deleted_instance (study_instance_uid, sop_instance_uid);
CREATE INDEX ix_deleted_instance_purge_after ON deleted_instance (purge_after);
CREATE INDEX ix_deleted_instance_blob_key ON deleted_instance (blob_key);

-- Blobs no instance uses any more (the version a bulk update replaced), kept until their purge time.
CREATE TABLE retired_blob (
    id BIGINT IDENTITY(1,1) PRIMARY KEY,
    blob_key NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    sop_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    retired_at BIGINT NOT NULL,
    purge_after BIGINT NOT NULL
);

CREATE INDEX ix_retired_blob_purge_after ON retired_blob (purge_after);
CREATE INDEX ix_retired_blob_blob_key ON retired_blob (blob_key);

-- Long-running operations (bulk update, storage verification): state, progress and report live here, so every replica
-- answers for them and a replica that dies mid-way leaves them to another (owner and heartbeat are its lease).
CREATE TABLE operation (
    id NVARCHAR(64) COLLATE Latin1_General_100_BIN2 PRIMARY KEY,
    type NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    status NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    percent_complete BIGINT NOT NULL CONSTRAINT df_operation_percent_complete DEFAULT 0,
    subject NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    subject_name NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    client_address NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    correlation_id NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    request NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2 NOT NULL,
    results NVARCHAR(MAX) COLLATE Latin1_General_100_BIN2,
    owner NVARCHAR(128) COLLATE Latin1_General_100_BIN2,
    heartbeat_at BIGINT
);

CREATE INDEX ix_operation_status ON operation (status, created_at);

-- A study being changed by a running operation: the key makes a second one for the same study fail.
CREATE TABLE operation_claim (
    study_instance_uid NVARCHAR(128) COLLATE Latin1_General_100_BIN2 PRIMARY KEY,
    operation_id NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL
);

-- The access key of the study when the change happened: the change feed shows a restricted caller only the changes of
-- studies it could see, also after a study is deleted.
ALTER TABLE change_log ADD access_key NVARCHAR(400) COLLATE Latin1_General_100_BIN2 NULL;
GO

UPDATE change_log SET access_key = (SELECT st.access_key FROM study st WHERE st.study_instance_uid = change_log.study_instance_uid);

CREATE INDEX ix_change_log_access_key ON change_log (access_key, sequence);
