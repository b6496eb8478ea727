-- Data management: deletion with a purge delay, bulk updates that keep the replaced blobs until then, long-running
-- operations any replica can answer for, and per-study access on the change feed.

-- A deleted instance leaves the live tables at once (every read, search and aggregate then ignores it without a
-- condition of its own) and waits here until its blob is purged; the blob holds everything needed to restore it.
CREATE TABLE deleted_instance (
    id INTEGER PRIMARY KEY,
    study_instance_uid TEXT NOT NULL,
    series_instance_uid TEXT NOT NULL,
    sop_instance_uid TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    blob_key TEXT NOT NULL,
    deleted_at INTEGER NOT NULL,
    purge_after INTEGER NOT NULL
);

CREATE INDEX ix_deleted_instance_study ON deleted_instance (study_instance_uid, sop_instance_uid);
CREATE INDEX ix_deleted_instance_purge_after ON deleted_instance (purge_after);
CREATE INDEX ix_deleted_instance_blob_key ON deleted_instance (blob_key);

-- Blobs no instance uses any more (the version a bulk update replaced), kept until their purge time.
CREATE TABLE retired_blob (
    id INTEGER PRIMARY KEY,
    blob_key TEXT NOT NULL,
    sop_instance_uid TEXT,
    retired_at INTEGER NOT NULL,
    purge_after INTEGER NOT NULL
);

CREATE INDEX ix_retired_blob_purge_after ON retired_blob (purge_after);
CREATE INDEX ix_retired_blob_blob_key ON retired_blob (blob_key);

-- Long-running operations (bulk update, storage verification): state, progress and report live here, so every replica
-- answers for them and a replica that dies mid-way leaves them to another (owner and heartbeat are its lease).
CREATE TABLE operation (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    percent_complete INTEGER NOT NULL DEFAULT 0,
    subject TEXT,
    subject_name TEXT,
    client_address TEXT,
    correlation_id TEXT,
    request TEXT NOT NULL,
    results TEXT,
    owner TEXT,
    heartbeat_at INTEGER
);

CREATE INDEX ix_operation_status ON operation (status, created_at);

-- A study being changed by a running operation: the key makes a second one for the same study fail.
CREATE TABLE operation_claim (
    study_instance_uid TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL
);

-- The access key of the study when the change happened: the change feed shows a restricted caller only the changes of
-- studies it could see, also after a study is deleted.
ALTER TABLE change_log ADD COLUMN access_key TEXT;

UPDATE change_log SET access_key = (SELECT st.access_key FROM study st WHERE st.study_instance_uid = change_log.study_instance_uid);

CREATE INDEX ix_change_log_access_key ON change_log (access_key, sequence);
