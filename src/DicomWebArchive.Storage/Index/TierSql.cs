namespace DicomWebArchive.Storage.Index;

/// <summary>The statements of <see cref="SqlIndexStore"/>'s tier bookkeeping, built once from a dialect.</summary>
internal sealed class TierSql
{
    private static readonly string[] MoveColumns =
        ["study_instance_uid", "source_tier", "target_tier", "status", "reason", "requested_by", "created_at", "updated_at"];

    private const string MoveSelect =
        "SELECT id AS Id, study_instance_uid AS StudyInstanceUid, source_tier AS Source, target_tier AS Target, status AS Status, " +
        "reason AS Reason, requested_by AS RequestedBy, error AS Error, created_at AS CreatedAt, updated_at AS UpdatedAt, " +
        "completed_at AS CompletedAt FROM tier_move";

    public TierSql(ISqlDialect dialect)
    {
        var p = dialect.ParameterPrefix;
        StudyRow = "SELECT id AS Id, study_instance_uid AS StudyInstanceUid, tier AS Tier, last_access AS LastAccess, updated_at AS UpdatedAt " +
            $"FROM study WHERE study_instance_uid = {p}Study";
        StudyUsage = "SELECT i.tier AS Tier, COUNT(*) AS Instances, COALESCE(SUM(i.size), 0) AS Bytes FROM instance i " +
            $"JOIN series se ON se.id = i.series_id WHERE se.study_id = {p}StudyId GROUP BY i.tier";
        Usage = "SELECT tier AS Tier, COUNT(*) AS Instances, COALESCE(SUM(size), 0) AS Bytes FROM instance GROUP BY tier";
        PendingOfStudy = $"{MoveSelect} WHERE study_instance_uid = {p}Study AND status = 'pending' ORDER BY id";
        Pending = $"{MoveSelect} WHERE status = 'pending' ORDER BY id";
        Move = $"{MoveSelect} WHERE id = {p}Id";
        Supersede = $"UPDATE tier_move SET status = 'superseded', updated_at = {p}Now, completed_at = {p}Now " +
            $"WHERE study_instance_uid = {p}Study AND status = 'pending'";
        InsertMove = dialect.InsertReturningId("tier_move", MoveColumns, "id");
        SetStudyTier = $"UPDATE study SET tier = {p}Tier WHERE study_instance_uid = {p}Study";
        // One worker per study at a time: a move is not taken while another move of its study (superseded, still
        // winding down) holds a lease.
        Claim = $"UPDATE tier_move SET lease_until = {p}Until WHERE id = {p}Id AND status = 'pending' " +
            $"AND (lease_until IS NULL OR lease_until < {p}Now) AND NOT EXISTS (SELECT 1 FROM tier_move o " +
            $"WHERE o.study_instance_uid = tier_move.study_instance_uid AND o.id <> tier_move.id AND o.lease_until >= {p}Now)";
        StudyBlobs = "SELECT se.series_instance_uid AS SeriesInstanceUid, i.sop_instance_uid AS SopInstanceUid, i.blob_key AS BlobKey, " +
            "i.tier AS Tier, i.size AS Size, i.pixel_rows AS PixelRows, i.pixel_columns AS PixelColumns " +
            "FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id " +
            $"WHERE st.study_instance_uid = {p}Study" + IndexSql.InstanceOrder;
        SetInstanceTier = $"UPDATE instance SET tier = {p}Tier WHERE sop_instance_uid = {p}Sop AND blob_key = {p}BlobKey";
        Complete = $"UPDATE tier_move SET status = 'done', updated_at = {p}Now, completed_at = {p}Now, lease_until = NULL " +
            $"WHERE id = {p}Id AND status = 'pending'";
        Fail = $"UPDATE tier_move SET status = 'failed', error = {p}Error, updated_at = {p}Now, completed_at = {p}Now, lease_until = NULL " +
            $"WHERE id = {p}Id AND status = 'pending'";
        Touch = $"UPDATE study SET last_access = {p}Now WHERE study_instance_uid = {p}Study AND (last_access IS NULL OR last_access <= {p}Threshold)";
        StudyTier = $"SELECT tier FROM study WHERE study_instance_uid = {p}Study";
        Idle = "SELECT id AS Id, study_instance_uid AS StudyInstanceUid, tier AS Tier, modalities_in_study AS Modalities, " +
            "last_access AS LastAccess, updated_at AS UpdatedAt FROM study " +
            $"WHERE tier <> 'archive' AND id > {p}After AND updated_at < {p}IdleSince AND (last_access IS NULL OR last_access < {p}IdleSince) " +
            $"ORDER BY id {dialect.Paging("Limit", "Zero")}";
    }

    public string StudyRow { get; }
    public string StudyUsage { get; }
    public string Usage { get; }
    public string PendingOfStudy { get; }
    public string Pending { get; }
    public string Move { get; }
    public string Supersede { get; }
    public string InsertMove { get; }
    public string SetStudyTier { get; }
    public string Claim { get; }
    public string StudyBlobs { get; }
    public string SetInstanceTier { get; }
    public string Complete { get; }
    public string Fail { get; }
    public string Touch { get; }
    public string StudyTier { get; }
    public string Idle { get; }
}
