namespace DicomWebArchive.Storage.Index;

/// <summary>The index's statements, built once from a dialect. Parameters are named after the .NET property they bind.</summary>
internal sealed class IndexSql
{
    private static readonly string[] StudyColumns =
    [
        "study_instance_uid", "study_date", "study_time", "accession_number", "dicom_study_id", "study_description",
        "referring_physician_name", "patient_name", "patient_name_normalized", "patient_id", "patient_birth_date",
        "patient_sex", "timezone_offset_from_utc", "access_key", "created_at", "updated_at",
    ];

    private static readonly string[] SeriesColumns =
    [
        "study_id", "series_instance_uid", "modality", "series_number", "series_description", "series_date", "series_time",
        "performed_procedure_step_start_date", "performed_procedure_step_start_time", "created_at",
    ];

    private static readonly string[] InstanceColumns =
    [
        "series_id", "sop_instance_uid", "sop_class_uid", "instance_number", "pixel_rows", "pixel_columns", "bits_allocated",
        "number_of_frames", "transfer_syntax_uid", "size", "sha256", "blob_key", "tier", "pixel_data_offset", "frame_table",
        "metadata", "created_at", "change_sequence",
    ];

    private static readonly string[] AuditColumns =
    [
        "occurred_at", "subject", "subject_name", "client_address", "action", "study_instance_uid", "series_instance_uid",
        "sop_instance_uid", "patient_id", "outcome", "status", "bytes", "correlation_id", "details", "previous_hash", "hash",
    ];

    // access_key: the change feed shows a restricted caller the changes of the studies it could see when they happened.
    private static readonly string[] ChangeColumns = ["occurred_at", "action", "study_instance_uid", "series_instance_uid", "sop_instance_uid", "access_key"];

    private const string StudySelect =
        "st.study_instance_uid AS StudyInstanceUid, st.study_date AS StudyDate, st.study_time AS StudyTime, " +
        "st.accession_number AS AccessionNumber, st.dicom_study_id AS StudyId, st.study_description AS StudyDescription, " +
        "st.referring_physician_name AS ReferringPhysicianName, st.patient_name AS PatientName, st.patient_id AS PatientId, " +
        "st.patient_birth_date AS PatientBirthDate, st.patient_sex AS PatientSex, st.timezone_offset_from_utc AS TimezoneOffsetFromUtc";

    private const string SeriesSelect =
        "st.study_instance_uid AS StudyInstanceUid, se.series_instance_uid AS SeriesInstanceUid, se.modality AS Modality, " +
        "se.series_number AS SeriesNumber, se.series_description AS SeriesDescription, se.series_date AS SeriesDate, " +
        "se.series_time AS SeriesTime, se.performed_procedure_step_start_date AS PerformedProcedureStepStartDate, " +
        "se.performed_procedure_step_start_time AS PerformedProcedureStepStartTime";

    public IndexSql(ISqlDialect dialect)
    {
        var p = dialect.ParameterPrefix;
        var instanceFrom = "FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id";

        FindExisting =
            $"SELECT i.id AS Id, i.series_id AS SeriesId, se.study_id AS StudyId, st.study_instance_uid AS StudyInstanceUid, i.sha256 AS Sha256, " +
            $"i.blob_key AS BlobKey, st.access_key AS AccessKey {instanceFrom} WHERE i.sop_instance_uid = {p}SopInstanceUid";
        DeleteInstance = $"DELETE FROM instance WHERE id = {p}Id";
        InsertStudy = dialect.Upsert("study", StudyColumns, "study_instance_uid", []);
        SelectStudy = $"SELECT id AS Id, sop_classes_in_study AS SopClassesInStudy, access_key AS AccessKey FROM study WHERE study_instance_uid = {p}StudyInstanceUid";
        SetStudyAccessKey = $"UPDATE study SET access_key = {p}AccessKey WHERE id = {p}StudyId";
        InsertSeries = dialect.Upsert("series", SeriesColumns, "series_instance_uid", []);
        SelectSeries = $"SELECT id AS Id, study_id AS StudyId FROM series WHERE series_instance_uid = {p}SeriesInstanceUid";
        InsertInstance = dialect.InsertReturningId("instance", InstanceColumns, "id");
        RefreshSeriesCount =
            $"UPDATE series SET number_of_instances = (SELECT COUNT(*) FROM instance WHERE series_id = {p}SeriesId) WHERE id = {p}SeriesId";
        IncrementSeriesCount = $"UPDATE series SET number_of_instances = number_of_instances + 1 WHERE id = {p}SeriesId";
        IncrementStudyCounts =
            $"UPDATE study SET number_of_series = number_of_series + {p}NewSeries, number_of_instances = number_of_instances + 1, " +
            $"updated_at = {p}Now WHERE id = {p}StudyId";
        SelectSeriesCount = $"SELECT number_of_instances FROM series WHERE id = {p}SeriesId";
        DeleteSeries = $"DELETE FROM series WHERE id = {p}SeriesId";
        RefreshStudyCounts =
            $"UPDATE study SET number_of_series = (SELECT COUNT(*) FROM series WHERE study_id = {p}StudyId), " +
            $"number_of_instances = (SELECT COALESCE(SUM(number_of_instances), 0) FROM series WHERE study_id = {p}StudyId), " +
            $"updated_at = {p}Now WHERE id = {p}StudyId";
        SelectStudySeriesCount = $"SELECT number_of_series FROM study WHERE id = {p}StudyId";
        DeleteStudy = $"DELETE FROM study WHERE id = {p}StudyId";
        SelectStudyModalities = $"SELECT DISTINCT modality FROM series WHERE study_id = {p}StudyId AND modality IS NOT NULL ORDER BY modality";
        UpdateStudyModalities = $"UPDATE study SET modalities_in_study = {p}Value WHERE id = {p}StudyId";
        SelectStudySopClasses =
            $"SELECT DISTINCT i.sop_class_uid FROM instance i JOIN series se ON se.id = i.series_id WHERE se.study_id = {p}StudyId ORDER BY i.sop_class_uid";
        UpdateStudySopClasses = $"UPDATE study SET sop_classes_in_study = {p}Value WHERE id = {p}StudyId";
        InsertChange = dialect.InsertReturningId("change_log", ChangeColumns, "sequence");
        InsertAudit = SqlText.InsertInto(p, "audit_event", AuditColumns);
        LastAuditHash = $"SELECT hash FROM audit_event ORDER BY sequence DESC {dialect.Paging("One", "Zero")}";
        AuditRead = "SELECT sequence AS Sequence, occurred_at AS OccurredAt, subject AS Subject, subject_name AS SubjectName, client_address AS ClientAddress, " +
            "action AS Action, study_instance_uid AS StudyInstanceUid, series_instance_uid AS SeriesInstanceUid, sop_instance_uid AS SopInstanceUid, " +
            "patient_id AS PatientId, outcome AS Outcome, status AS Status, bytes AS Bytes, correlation_id AS CorrelationId, details AS Details, " +
            "previous_hash AS PreviousHash, hash AS Hash FROM audit_event";
        SealAudit = $"UPDATE audit_event SET previous_hash = {p}PreviousHash, hash = {p}Hash WHERE sequence = {p}Sequence AND hash IS NULL";

        FindInstance =
            "SELECT st.study_instance_uid AS StudyInstanceUid, se.series_instance_uid AS SeriesInstanceUid, " +
            "i.sop_instance_uid AS SopInstanceUid, i.sop_class_uid AS SopClassUid, i.sha256 AS Sha256, i.blob_key AS BlobKey " +
            $"{instanceFrom} WHERE i.sop_instance_uid = {p}SopInstanceUid";
        // Deleted instances and replaced versions keep their blobs until the purge: the sweeper must not take them first.
        IsBlobReferenced = $"SELECT CASE WHEN EXISTS (SELECT 1 FROM instance WHERE blob_key = {p}BlobKey) " +
            $"OR EXISTS (SELECT 1 FROM deleted_instance WHERE blob_key = {p}BlobKey) OR EXISTS (SELECT 1 FROM retired_blob WHERE blob_key = {p}BlobKey) THEN 1 ELSE 0 END";

        StudyRead =
            $"SELECT {StudySelect}, st.modalities_in_study AS ModalitiesInStudy, st.sop_classes_in_study AS SopClassesInStudy, " +
            "st.number_of_series AS NumberOfStudyRelatedSeries, st.number_of_instances AS NumberOfStudyRelatedInstances, st.created_at AS CreatedAt " +
            "FROM study st";
        SeriesRead = $"SELECT {SeriesSelect}, se.number_of_instances AS NumberOfSeriesRelatedInstances, se.created_at AS CreatedAt " +
            "FROM series se JOIN study st ON st.id = se.study_id";
        InstanceRead =
            $"SELECT {StudySelect}, {SeriesSelect}, i.sop_instance_uid AS SopInstanceUid, i.sop_class_uid AS SopClassUid, " +
            "i.instance_number AS InstanceNumber, i.pixel_rows AS Rows, i.pixel_columns AS Columns, i.bits_allocated AS BitsAllocated, " +
            "i.number_of_frames AS NumberOfFrames, i.transfer_syntax_uid AS TransferSyntaxUid, i.size AS Size, i.sha256 AS Sha256, " +
            "i.blob_key AS BlobKey, i.tier AS Tier, i.pixel_data_offset AS PixelDataOffset, i.frame_table AS FrameTable, " +
            $"i.metadata AS MetadataJson, i.created_at AS CreatedAt {instanceFrom}";
        ContentRead =
            "SELECT st.study_instance_uid AS StudyInstanceUid, se.series_instance_uid AS SeriesInstanceUid, i.sop_instance_uid AS SopInstanceUid, " +
            "st.patient_id AS PatientId, i.transfer_syntax_uid AS TransferSyntaxUid, i.size AS Size, i.sha256 AS Sha256, i.blob_key AS BlobKey, i.tier AS Tier, " +
            "i.metadata AS MetadataJson " +
            instanceFrom;
        VersionRead = $"SELECT COUNT(*) AS Instances, COALESCE(MAX(i.change_sequence), 0) AS LatestChange, MAX(st.patient_id) AS PatientId {instanceFrom}";
    }

    public string FindExisting { get; }
    public string DeleteInstance { get; }
    public string InsertStudy { get; }
    public string SelectStudy { get; }
    public string SetStudyAccessKey { get; }
    public string InsertSeries { get; }
    public string SelectSeries { get; }
    public string InsertInstance { get; }
    public string RefreshSeriesCount { get; }
    public string IncrementSeriesCount { get; }
    public string IncrementStudyCounts { get; }
    public string SelectSeriesCount { get; }
    public string DeleteSeries { get; }
    public string RefreshStudyCounts { get; }
    public string SelectStudySeriesCount { get; }
    public string DeleteStudy { get; }
    public string SelectStudyModalities { get; }
    public string UpdateStudyModalities { get; }
    public string SelectStudySopClasses { get; }
    public string UpdateStudySopClasses { get; }
    public string InsertChange { get; }
    public string InsertAudit { get; }
    public string LastAuditHash { get; }
    public string AuditRead { get; }
    public string SealAudit { get; }
    public string FindInstance { get; }
    public string IsBlobReferenced { get; }
    public string StudyRead { get; }
    public string SeriesRead { get; }
    public string InstanceRead { get; }
    public string ContentRead { get; }
    public string VersionRead { get; }

    /// <summary>The order instances are listed in: by series, then Instance Number, then UID.</summary>
    public const string InstanceOrder = " ORDER BY se.series_number, se.series_instance_uid, i.instance_number, i.sop_instance_uid";

    public const string SeriesOrder = " ORDER BY se.series_number, se.series_instance_uid";
}
