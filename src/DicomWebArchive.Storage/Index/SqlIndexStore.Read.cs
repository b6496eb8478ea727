using System.Text;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore
{
    public async Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("list_instances");
        var (sql, parameters) = Scoped(_sql.InstanceRead, scope, access, IndexSql.InstanceOrder);
        var rows = await QueryAsync<InstanceReadRow>(sql, parameters, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToRecord());
    }

    public async Task<IReadOnlyList<InstanceContent>> ListInstanceContentsAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("list_instance_contents");
        // Every column maps onto a property of the same name and type, so Dapper fills the records directly.
        var (sql, parameters) = Scoped(_sql.ContentRead, scope, access, IndexSql.InstanceOrder);
        return await QueryAsync<InstanceContent>(sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ContentVersion?> GetVersionAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("get_version");
        var (sql, parameters) = Scoped(_sql.VersionRead, scope, access, "");
        var rows = await QueryAsync<VersionRow>(sql, parameters, cancellationToken).ConfigureAwait(false);
        return rows is [{ Instances: > 0 } row] ? new ContentVersion(row.Instances, row.LatestChange, row.PatientId) : null;
    }

    public async Task<StudyRecord?> GetStudyAsync(string studyInstanceUid, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("get_study");
        var (sql, parameters) = Scoped(_sql.StudyRead, new InstanceScope(studyInstanceUid), access, "");
        var rows = await QueryAsync<StudyReadRow>(sql, parameters, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public async Task<SeriesRecord?> GetSeriesAsync(string studyInstanceUid, string seriesInstanceUid, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("get_series");
        var (sql, parameters) = Scoped(_sql.SeriesRead, new InstanceScope(studyInstanceUid, seriesInstanceUid), access, "");
        var rows = await QueryAsync<SeriesReadRow>(sql, parameters, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public async Task<IReadOnlyList<SeriesRecord>> ListSeriesAsync(string studyInstanceUid, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("list_series");
        var (sql, parameters) = Scoped(_sql.SeriesRead, new InstanceScope(studyInstanceUid), access, IndexSql.SeriesOrder);
        var rows = await QueryAsync<SeriesReadRow>(sql, parameters, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToRecord());
    }

    /// <summary>
    /// <paramref name="select"/> narrowed to what <paramref name="scope"/> names and <paramref name="access"/> allows, in
    /// one query: the unique UID indexes find the rows, the access condition is checked on the same rows.
    /// </summary>
    private (string Sql, DynamicParameters Parameters) Scoped(string select, InstanceScope scope, StudyAccess access, string order)
    {
        ArgumentNullException.ThrowIfNull(access);
        var dialect = _database.Dialect;
        var parameters = new DynamicParameters();
        var sql = new StringBuilder(select).Append(" WHERE st.study_instance_uid = ").Append(dialect.Parameter("Study"));
        parameters.Add("Study", scope.StudyInstanceUid);
        if (scope.SeriesInstanceUid is { } series)
        {
            sql.Append(" AND se.series_instance_uid = ").Append(dialect.Parameter("Series"));
            parameters.Add("Series", series);
        }
        if (scope.SopInstanceUid is { } instance)
        {
            sql.Append(" AND i.sop_instance_uid = ").Append(dialect.Parameter("Instance"));
            parameters.Add("Instance", instance);
        }
        if (QueryColumns.AccessCondition(access, dialect, parameters) is { } allowed)
        {
            sql.Append(" AND (").Append(allowed).Append(')');
        }
        return (sql.Append(order).ToString(), parameters);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object parameters, CancellationToken cancellationToken)
    {
        return await _database.ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.AsList();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset FromUnixMilliseconds(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private static IReadOnlyList<string> SplitList(string? joined) => SplitValues(joined);

    private sealed class VersionRow
    {
        public long Instances { get; set; }
        public long LatestChange { get; set; }
        public string? PatientId { get; set; }
    }

    // Rows mirror the columns' storage types; the public records are built from them.
    private class StudyAttributesRow
    {
        public string StudyInstanceUid { get; set; } = "";
        public string? StudyDate { get; set; }
        public string? StudyTime { get; set; }
        public string? AccessionNumber { get; set; }
        public string? StudyId { get; set; }
        public string? StudyDescription { get; set; }
        public string? ReferringPhysicianName { get; set; }
        public string? PatientName { get; set; }
        public string? PatientId { get; set; }
        public string? PatientBirthDate { get; set; }
        public string? PatientSex { get; set; }
        public string? TimezoneOffsetFromUtc { get; set; }
    }

    private sealed class StudyReadRow : StudyAttributesRow
    {
        public string? ModalitiesInStudy { get; set; }
        public string? SopClassesInStudy { get; set; }
        public long NumberOfStudyRelatedSeries { get; set; }
        public long NumberOfStudyRelatedInstances { get; set; }
        public long CreatedAt { get; set; }

        public StudyRecord ToRecord() => new()
        {
            StudyInstanceUid = StudyInstanceUid,
            StudyDate = StudyDate,
            StudyTime = StudyTime,
            AccessionNumber = AccessionNumber,
            StudyId = StudyId,
            StudyDescription = StudyDescription,
            ReferringPhysicianName = ReferringPhysicianName,
            PatientName = PatientName,
            PatientId = PatientId,
            PatientBirthDate = PatientBirthDate,
            PatientSex = PatientSex,
            TimezoneOffsetFromUtc = TimezoneOffsetFromUtc,
            ModalitiesInStudy = SplitList(ModalitiesInStudy),
            SopClassesInStudy = SplitList(SopClassesInStudy),
            NumberOfStudyRelatedSeries = checked((int)NumberOfStudyRelatedSeries),
            NumberOfStudyRelatedInstances = checked((int)NumberOfStudyRelatedInstances),
            CreatedAt = FromUnixMilliseconds(CreatedAt),
        };
    }

    private sealed class SeriesReadRow
    {
        public string StudyInstanceUid { get; set; } = "";
        public string SeriesInstanceUid { get; set; } = "";
        public string? Modality { get; set; }
        public long? SeriesNumber { get; set; }
        public string? SeriesDescription { get; set; }
        public string? SeriesDate { get; set; }
        public string? SeriesTime { get; set; }
        public string? PerformedProcedureStepStartDate { get; set; }
        public string? PerformedProcedureStepStartTime { get; set; }
        public long NumberOfSeriesRelatedInstances { get; set; }
        public long CreatedAt { get; set; }

        public SeriesRecord ToRecord() => new()
        {
            StudyInstanceUid = StudyInstanceUid,
            SeriesInstanceUid = SeriesInstanceUid,
            Modality = Modality,
            SeriesNumber = (int?)SeriesNumber,
            SeriesDescription = SeriesDescription,
            SeriesDate = SeriesDate,
            SeriesTime = SeriesTime,
            PerformedProcedureStepStartDate = PerformedProcedureStepStartDate,
            PerformedProcedureStepStartTime = PerformedProcedureStepStartTime,
            NumberOfSeriesRelatedInstances = checked((int)NumberOfSeriesRelatedInstances),
            CreatedAt = FromUnixMilliseconds(CreatedAt),
        };
    }

    private sealed class InstanceReadRow : StudyAttributesRow
    {
        public string SeriesInstanceUid { get; set; } = "";
        public string? Modality { get; set; }
        public long? SeriesNumber { get; set; }
        public string? SeriesDescription { get; set; }
        public string? SeriesDate { get; set; }
        public string? SeriesTime { get; set; }
        public string? PerformedProcedureStepStartDate { get; set; }
        public string? PerformedProcedureStepStartTime { get; set; }
        public string SopInstanceUid { get; set; } = "";
        public string SopClassUid { get; set; } = "";
        public long? InstanceNumber { get; set; }
        public long? Rows { get; set; }
        public long? Columns { get; set; }
        public long? BitsAllocated { get; set; }
        public long? NumberOfFrames { get; set; }
        public string TransferSyntaxUid { get; set; } = "";
        public long Size { get; set; }
        public byte[] Sha256 { get; set; } = [];
        public string BlobKey { get; set; } = "";
        public string Tier { get; set; } = "";
        public long? PixelDataOffset { get; set; }
        public byte[]? FrameTable { get; set; }
        public byte[] MetadataJson { get; set; } = [];
        public long CreatedAt { get; set; }

        public InstanceRecord ToRecord() => new()
        {
            StudyInstanceUid = StudyInstanceUid,
            StudyDate = StudyDate,
            StudyTime = StudyTime,
            AccessionNumber = AccessionNumber,
            StudyId = StudyId,
            StudyDescription = StudyDescription,
            ReferringPhysicianName = ReferringPhysicianName,
            PatientName = PatientName,
            PatientId = PatientId,
            PatientBirthDate = PatientBirthDate,
            PatientSex = PatientSex,
            TimezoneOffsetFromUtc = TimezoneOffsetFromUtc,
            SeriesInstanceUid = SeriesInstanceUid,
            Modality = Modality,
            SeriesNumber = (int?)SeriesNumber,
            SeriesDescription = SeriesDescription,
            SeriesDate = SeriesDate,
            SeriesTime = SeriesTime,
            PerformedProcedureStepStartDate = PerformedProcedureStepStartDate,
            PerformedProcedureStepStartTime = PerformedProcedureStepStartTime,
            SopInstanceUid = SopInstanceUid,
            SopClassUid = SopClassUid,
            InstanceNumber = (int?)InstanceNumber,
            Rows = (int?)Rows,
            Columns = (int?)Columns,
            BitsAllocated = (int?)BitsAllocated,
            NumberOfFrames = (int?)NumberOfFrames,
            TransferSyntaxUid = TransferSyntaxUid,
            Size = Size,
            Sha256 = Sha256,
            BlobKey = BlobKey,
            Tier = Tier,
            PixelDataOffset = PixelDataOffset,
            FrameTable = FrameTable,
            MetadataJson = MetadataJson,
            CreatedAt = FromUnixMilliseconds(CreatedAt),
        };
    }
}
