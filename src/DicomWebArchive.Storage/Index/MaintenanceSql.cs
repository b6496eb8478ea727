namespace DicomWebArchive.Storage.Index;

/// <summary>
/// The statements of deletion, restore, purge, update, the change feed and operations, built once from a dialect.
/// Parameters are named after the .NET property they bind.
/// </summary>
internal sealed class MaintenanceSql
{
    private const string InstanceFrom = "FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id";

    public MaintenanceSql(ISqlDialect dialect)
    {
        var p = dialect.ParameterPrefix;
        ScopedInstances = "SELECT i.id AS Id, i.series_id AS SeriesId, se.study_id AS StudyId, i.sop_instance_uid AS SopInstanceUid, st.access_key AS AccessKey " + InstanceFrom;
        MaxDeletedId = "SELECT COALESCE(MAX(id), 0) FROM deleted_instance";
        InsertDeleted =
            "INSERT INTO deleted_instance (study_instance_uid, series_instance_uid, sop_instance_uid, size, sha256, blob_key, deleted_at, purge_after) " +
            $"SELECT st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.size, i.sha256, i.blob_key, {p}Now, {p}PurgeAfter {InstanceFrom}";
        InsertDeleteChanges =
            "INSERT INTO change_log (occurred_at, action, study_instance_uid, series_instance_uid, sop_instance_uid, access_key) " +
            $"SELECT {p}Now, 'delete', d.study_instance_uid, d.series_instance_uid, d.sop_instance_uid, {p}AccessKey FROM deleted_instance d " +
            $"WHERE d.study_instance_uid = {p}Study AND d.id > {p}After ORDER BY d.id";
        DeleteScoped = $"DELETE FROM instance WHERE id IN (SELECT i.id {InstanceFrom}";
        Restorable =
            "SELECT d.id AS Id, d.study_instance_uid AS StudyInstanceUid, d.series_instance_uid AS SeriesInstanceUid, d.sop_instance_uid AS SopInstanceUid, " +
            $"d.blob_key AS BlobKey, d.size AS Size, d.sha256 AS Sha256 FROM deleted_instance d WHERE d.study_instance_uid = {p}Study AND d.purge_after > {p}Now " +
            "AND NOT EXISTS (SELECT 1 FROM deleted_instance n WHERE n.study_instance_uid = d.study_instance_uid AND n.sop_instance_uid = d.sop_instance_uid AND n.id > d.id) " +
            "ORDER BY d.id";
        DeleteDeleted = $"DELETE FROM deleted_instance WHERE id = {p}Id";
        DeleteRetired = $"DELETE FROM retired_blob WHERE id = {p}Id";
        DueDeleted = $"SELECT id AS Id, blob_key AS BlobKey FROM deleted_instance WHERE purge_after <= {p}Now ORDER BY purge_after, id {dialect.Paging("Limit", "Zero")}";
        DueRetired = $"SELECT id AS Id, blob_key AS BlobKey FROM retired_blob WHERE purge_after <= {p}Now ORDER BY purge_after, id {dialect.Paging("Limit", "Zero")}";
        BlobStillUsed =
            $"SELECT CASE WHEN EXISTS (SELECT 1 FROM instance WHERE blob_key = {p}BlobKey) OR EXISTS (SELECT 1 FROM deleted_instance WHERE blob_key = {p}BlobKey) " +
            $"OR EXISTS (SELECT 1 FROM retired_blob WHERE blob_key = {p}BlobKey) THEN 1 ELSE 0 END";
        InsertRetired = $"INSERT INTO retired_blob (blob_key, sop_instance_uid, retired_at, purge_after) VALUES ({p}BlobKey, {p}SopInstanceUid, {p}Now, {p}PurgeAfter)";
        CurrentInstance =
            "SELECT i.id AS Id, i.blob_key AS BlobKey, st.id AS StudyId, st.study_instance_uid AS StudyInstanceUid, se.series_instance_uid AS SeriesInstanceUid " +
            $"{InstanceFrom} WHERE i.sop_instance_uid = {p}SopInstanceUid";
        UpdateInstance =
            $"UPDATE instance SET transfer_syntax_uid = {p}TransferSyntaxUid, size = {p}Size, sha256 = {p}Sha256, blob_key = {p}BlobKey, " +
            $"pixel_data_offset = {p}PixelDataOffset, frame_table = {p}FrameTable, metadata = {p}Metadata, change_sequence = {p}ChangeSequence WHERE id = {p}Id";
        StudyAccessKey = $"SELECT access_key FROM study WHERE id = {p}StudyId";
        InsertChange = dialect.InsertReturningId("change_log", ["occurred_at", "action", "study_instance_uid", "series_instance_uid", "sop_instance_uid", "access_key"], "sequence");
        LastChange = "SELECT MAX(sequence) FROM change_log";
        StoredBlobs =
            "SELECT st.study_instance_uid AS StudyInstanceUid, se.series_instance_uid AS SeriesInstanceUid, i.sop_instance_uid AS SopInstanceUid, " +
            $"i.blob_key AS BlobKey, i.size AS Size, i.sha256 AS Sha256 {InstanceFrom}";
        CountInstances = $"SELECT COUNT(*) {InstanceFrom}";
        ChangesSelect =
            "SELECT c.sequence AS Sequence, c.study_instance_uid AS StudyInstanceUid, c.series_instance_uid AS SeriesInstanceUid, " +
            "c.sop_instance_uid AS SopInstanceUid, c.action AS Action, c.occurred_at AS OccurredAt, i.change_sequence AS CurrentSequence";
        ChangesFrom = " FROM change_log c LEFT JOIN instance i ON i.sop_instance_uid = c.sop_instance_uid";

        ClaimedStudies = "SELECT COUNT(*) FROM operation_claim WHERE study_instance_uid IN ";
        InsertOperation =
            "INSERT INTO operation (id, type, status, created_at, updated_at, percent_complete, subject, subject_name, client_address, correlation_id, request, results) " +
            $"VALUES ({p}Id, {p}Type, {p}Status, {p}CreatedAt, {p}UpdatedAt, 0, {p}Subject, {p}SubjectName, {p}ClientAddress, {p}CorrelationId, {p}Request, {p}Results)";
        InsertClaim = $"INSERT INTO operation_claim (study_instance_uid, operation_id) VALUES ({p}Study, {p}Id)";
        OperationRead =
            "SELECT id AS Id, type AS Type, status AS Status, created_at AS CreatedAt, updated_at AS UpdatedAt, percent_complete AS PercentComplete, " +
            "subject AS Subject, subject_name AS SubjectName, client_address AS ClientAddress, correlation_id AS CorrelationId, request AS Request, results AS Results " +
            "FROM operation";
        NextOperation =
            $"SELECT id FROM operation WHERE status = 'notStarted' OR (status = 'running' AND heartbeat_at < {p}Expired) ORDER BY created_at, id {dialect.Paging("One", "Zero")}";
        StartOperation = $"UPDATE operation SET status = 'running', owner = {p}Owner, heartbeat_at = {p}Now, updated_at = {p}Now WHERE id = {p}Id";
        ReportOperation =
            $"UPDATE operation SET percent_complete = {p}Percent, results = COALESCE({p}Results, results), heartbeat_at = {p}Now, updated_at = {p}Now " +
            $"WHERE id = {p}Id AND owner = {p}Owner AND status = 'running'";
        FinishOperation =
            $"UPDATE operation SET status = {p}Status, results = COALESCE({p}Results, results), percent_complete = 100, heartbeat_at = {p}Now, updated_at = {p}Now " +
            $"WHERE id = {p}Id AND owner = {p}Owner";
        ReleaseClaims = $"DELETE FROM operation_claim WHERE operation_id = {p}Id";
    }

    public string ScopedInstances { get; }
    public string MaxDeletedId { get; }
    public string InsertDeleted { get; }
    public string InsertDeleteChanges { get; }
    public string DeleteScoped { get; }
    public string Restorable { get; }
    public string DeleteDeleted { get; }
    public string DeleteRetired { get; }
    public string DueDeleted { get; }
    public string DueRetired { get; }
    public string BlobStillUsed { get; }
    public string InsertRetired { get; }
    public string CurrentInstance { get; }
    public string UpdateInstance { get; }
    public string StudyAccessKey { get; }
    public string InsertChange { get; }
    public string LastChange { get; }
    public string StoredBlobs { get; }
    public string CountInstances { get; }
    public string ChangesSelect { get; }
    public string ChangesFrom { get; }
    public string ClaimedStudies { get; }
    public string InsertOperation { get; }
    public string InsertClaim { get; }
    public string OperationRead { get; }
    public string NextOperation { get; }
    public string StartOperation { get; }
    public string ReportOperation { get; }
    public string FinishOperation { get; }
    public string ReleaseClaims { get; }
}
