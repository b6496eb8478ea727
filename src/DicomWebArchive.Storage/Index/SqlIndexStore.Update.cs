using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Changes;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore
{
    public async Task<bool> UpdateInstanceAsync(InstanceRecord record, string previousBlobKey, InstanceUpdate update, ArchiveCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(caller);
        return 1 == await WriteWithRetriesAsync(async write =>
        {
            // Lock order: the instance, its study, the change log, the audit trail.
            await LockAsync(write, "instance:" + record.SopInstanceUid).ConfigureAwait(false);
            var current = await write.QuerySingleOrDefaultAsync<CurrentRow>(Maintenance.CurrentInstance, new { record.SopInstanceUid }).ConfigureAwait(false);
            if (current is null || current.BlobKey != previousBlobKey
                || current.StudyInstanceUid != record.StudyInstanceUid || current.SeriesInstanceUid != record.SeriesInstanceUid)
            {
                return Rollback;
            }
            await LockAsync(write, "study:" + record.StudyInstanceUid).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (StudyUpdate(update, record, _database.Dialect.ParameterPrefix) is var (sql, parameters))
            {
                parameters.Add("StudyId", current.StudyId);
                parameters.Add("Now", now.ToUnixTimeMilliseconds());
                await write.ExecuteAsync(sql, parameters).ConfigureAwait(false);
            }
            await write.ExecuteAsync(Maintenance.InsertRetired, new
            {
                BlobKey = previousBlobKey,
                record.SopInstanceUid,
                Now = now.ToUnixTimeMilliseconds(),
                PurgeAfter = update.PurgeAfter.ToUnixTimeMilliseconds(),
            }).ConfigureAwait(false);
            var accessKey = await write.ExecuteScalarAsync<string?>(Maintenance.StudyAccessKey, new { current.StudyId }).ConfigureAwait(false);
            long change = await InsertChangeAsync(write, ChangeActions.Update, record, accessKey, now).ConfigureAwait(false);
            await write.ExecuteAsync(Maintenance.UpdateInstance, new
            {
                current.Id,
                record.TransferSyntaxUid,
                record.Size,
                record.Sha256,
                record.BlobKey,
                record.PixelDataOffset,
                record.FrameTable,
                Metadata = record.MetadataJson,
                ChangeSequence = change,
            }).ConfigureAwait(false);
            await AppendAuditAsync(write, AuditRecord.For(caller, AuditActions.Update, now) with
            {
                StudyInstanceUid = record.StudyInstanceUid,
                SeriesInstanceUid = record.SeriesInstanceUid,
                SopInstanceUid = record.SopInstanceUid,
                PatientId = record.PatientId,
                Bytes = record.Size,
                Details = update.Details,
            }).ConfigureAwait(false);
            return 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<StoredBlob> ListStoredBlobsAsync(string? studyInstanceUid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var p = _database.Dialect.ParameterPrefix;
        var sql = Maintenance.StoredBlobs + (studyInstanceUid is null ? "" : $" WHERE st.study_instance_uid = {p}Study") + " ORDER BY i.id";
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Streamed: an archive holds millions of instances.
            await foreach (var row in connection.QueryUnbufferedAsync<StoredBlob>(sql, new { Study = studyInstanceUid }).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    public async Task<long> CountInstancesAsync(string? studyInstanceUid, CancellationToken cancellationToken)
    {
        var p = _database.Dialect.ParameterPrefix;
        var sql = Maintenance.CountInstances + (studyInstanceUid is null ? "" : $" WHERE st.study_instance_uid = {p}Study");
        var rows = await QueryAsync<long>(sql, new { Study = studyInstanceUid }, cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    /// <summary>The UPDATE of the study columns an update changes, from the record; null when it changes none.</summary>
    private static (string Sql, DynamicParameters Parameters)? StudyUpdate(InstanceUpdate update, InstanceRecord record, char p)
    {
        var parameters = new DynamicParameters();
        var sets = new List<string>();
        void Set(string column, object? value)
        {
            sets.Add($"{column} = {p}{SqlNames.ToParameter(column)}");
            parameters.Add(SqlNames.ToParameter(column), value);
        }
        foreach (var attribute in update.StudyAttributes.Where(a => a.Level == QueryLevel.Study && !a.IsAggregate && a != QueryAttributes.StudyInstanceUid))
        {
            var column = QueryColumns.Of(attribute)[(QueryColumns.Alias(QueryLevel.Study).Length + 1)..];
            Set(column, StudyValue(record, attribute));
            if (attribute == QueryAttributes.PatientName)
            {
                Set("patient_name_normalized", PersonNameNormalizer.Normalize(record.PatientName));
            }
        }
        if (update.AccessKeyChanged)
        {
            Set("access_key", record.AccessKey);
        }
        if (sets.Count == 0)
        {
            return null;
        }
        var sql = new StringBuilder("UPDATE study SET ").AppendJoin(", ", sets).Append($", updated_at = {p}Now WHERE id = {p}StudyId");
        return (sql.ToString(), parameters);
    }

    private static string? StudyValue(InstanceRecord r, QueryAttribute attribute) => attribute.Keyword switch
    {
        "StudyDate" => r.StudyDate,
        "StudyTime" => r.StudyTime,
        "AccessionNumber" => r.AccessionNumber,
        "ReferringPhysicianName" => r.ReferringPhysicianName,
        "TimezoneOffsetFromUTC" => r.TimezoneOffsetFromUtc,
        "StudyDescription" => r.StudyDescription,
        "PatientName" => r.PatientName,
        "PatientID" => r.PatientId,
        "PatientBirthDate" => r.PatientBirthDate,
        "PatientSex" => r.PatientSex,
        "StudyID" => r.StudyId,
        _ => throw new ArgumentException($"{attribute.Keyword} is not a study column an update sets.", nameof(attribute)),
    };

    private sealed class CurrentRow
    {
        public long Id { get; set; }
        public string BlobKey { get; set; } = "";
        public long StudyId { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public string SeriesInstanceUid { get; set; } = "";
    }
}
