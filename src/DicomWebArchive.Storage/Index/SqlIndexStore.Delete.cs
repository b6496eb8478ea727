using System.Data.Common;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Changes;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Maintenance;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Deletion moves instance rows out of the live tables into deleted_instance (blob key, size, SHA-256 and UIDs; the blob
/// holds the rest) in one transaction with the recount of what they belonged to and a "delete" change per instance, so
/// every read, search, aggregate and metadata version sees the deletion at once without a condition of its own. Restore
/// brings a deleted instance back from its blob; the purge removes the rows whose time has come and hands their blobs over.
/// </summary>
public sealed partial class SqlIndexStore : IMaintenanceIndex
{
    private MaintenanceSql? _maintenanceSql;

    private MaintenanceSql Maintenance => _maintenanceSql ??= new MaintenanceSql(_database.Dialect);

    public Task<int> DeleteAsync(InstanceScope scope, ArchiveCaller caller, DateTimeOffset purgeAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return WriteWithRetriesAsync(async write =>
        {
            // Lock order: the instances (by UID), then the study, then the change log (IndexDatabase.LockAsync).
            var listed = await ListScopedAsync(write, scope, caller.Access).ConfigureAwait(false);
            if (listed.Count == 0)
            {
                return 0;
            }
            foreach (var sop in listed.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal))
            {
                await LockAsync(write, "instance:" + sop).ConfigureAwait(false);
            }
            await LockAsync(write, "study:" + scope.StudyInstanceUid).ConfigureAwait(false);
            // Under the locks: what committed before them is in, and nothing can change the scope until COMMIT.
            listed = await ListScopedAsync(write, scope, caller.Access).ConfigureAwait(false);
            if (listed.Count == 0)
            {
                return 0;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            long after = await write.ExecuteScalarAsync<long>(Maintenance.MaxDeletedId, new { }).ConfigureAwait(false);
            var (insert, parameters) = Scoped(Maintenance.InsertDeleted, scope, caller.Access, "");
            parameters.Add("Now", now);
            parameters.Add("PurgeAfter", purgeAfter.ToUnixTimeMilliseconds());
            await write.ExecuteAsync(insert, parameters).ConfigureAwait(false);
            var (delete, deleteParameters) = Scoped(Maintenance.DeleteScoped, scope, caller.Access, ")");
            await write.ExecuteAsync(delete, deleteParameters).ConfigureAwait(false);
            foreach (var seriesId in listed.Select(r => r.SeriesId).Distinct())
            {
                await RefreshSeriesAsync(write, seriesId).ConfigureAwait(false);
            }
            await RefreshStudyAsync(write, listed[0].StudyId, now, modalities: true, sopClasses: true).ConfigureAwait(false);

            // Last, so the one lock every writer shares is held for a single statement before COMMIT.
            await LockAsync(write, "dwa:change_log").ConfigureAwait(false);
            await write.ExecuteAsync(Maintenance.InsertDeleteChanges, new { Now = now, listed[0].AccessKey, Study = scope.StudyInstanceUid, After = after }).ConfigureAwait(false);
            return listed.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DeletedInstance>> ListRestorableAsync(string studyInstanceUid, DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryAsync<DeletedInstance>(Maintenance.Restorable, new { Study = studyInstanceUid, Now = now.ToUnixTimeMilliseconds() }, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RestoreAsync(InstanceRecord record, long deletedId, ArchiveCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(caller);
        return 1 == await WriteWithRetriesAsync(async write =>
        {
            await LockAsync(write, "instance:" + record.SopInstanceUid).ConfigureAwait(false);
            // Removing the deleted row first holds it against a purge running at the same time: one of the two gets it.
            if (await write.ExecuteAsync(Maintenance.DeleteDeleted, new { Id = deletedId }).ConfigureAwait(false) != 1
                || await write.QuerySingleOrDefaultAsync<ExistingInstance>(_sql.FindExisting, new { record.SopInstanceUid }).ConfigureAwait(false) is not null)
            {
                return Rollback;
            }
            await LockAsync(write, "study:" + record.StudyInstanceUid).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var study = await UpsertStudyAsync(write, record, now.ToUnixTimeMilliseconds()).ConfigureAwait(false);
            var series = await UpsertSeriesAsync(write, record, study.Id, now.ToUnixTimeMilliseconds()).ConfigureAwait(false);
            if (series.StudyId != study.Id)
            {
                return Rollback;
            }
            long change = await InsertChangeAsync(write, ChangeActions.Create, record, study.AccessKey ?? record.AccessKey, now).ConfigureAwait(false);
            await InsertInstanceAsync(write, record, series.Id, change).ConfigureAwait(false);
            await write.ExecuteAsync(_sql.IncrementSeriesCount, new { SeriesId = series.Id }).ConfigureAwait(false);
            await write.ExecuteAsync(_sql.IncrementStudyCounts, new { StudyId = study.Id, NewSeries = series.IsNew ? 1 : 0, Now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false);
            await RefreshStudyValuesAsync(write, study.Id, modalities: series.IsNew, sopClasses: true).ConfigureAwait(false);
            await AppendAuditAsync(write, AuditRecord.For(caller, AuditActions.Restore, now) with
            {
                StudyInstanceUid = record.StudyInstanceUid,
                SeriesInstanceUid = record.SeriesInstanceUid,
                SopInstanceUid = record.SopInstanceUid,
                PatientId = record.PatientId,
                Bytes = record.Size,
                Details = "restored",
            }).ConfigureAwait(false);
            return 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task RetireBlobAsync(string blobKey, string? sopInstanceUid, DateTimeOffset purgeAfter, CancellationToken cancellationToken) =>
        WriteWithRetriesAsync(async write =>
        {
            await write.ExecuteAsync(Maintenance.InsertRetired, new
            {
                BlobKey = blobKey,
                SopInstanceUid = sopInstanceUid,
                Now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                PurgeAfter = purgeAfter.ToUnixTimeMilliseconds(),
            }).ConfigureAwait(false);
            return 1;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> TakePurgeableBlobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        WriteWithRetriesAsync<IReadOnlyList<string>>(async write =>
        {
            var due = new { Now = now.ToUnixTimeMilliseconds(), Limit = limit, Zero = 0 };
            var taken = new List<string>();
            // A row counts only when this transaction removed it: a restore or another replica's purge may have got it first.
            foreach (var row in await write.QueryAsync<DueBlob>(Maintenance.DueDeleted, due).ConfigureAwait(false))
            {
                if (await write.ExecuteAsync(Maintenance.DeleteDeleted, new { row.Id }).ConfigureAwait(false) == 1)
                {
                    taken.Add(row.BlobKey);
                }
            }
            foreach (var row in await write.QueryAsync<DueBlob>(Maintenance.DueRetired, due).ConfigureAwait(false))
            {
                if (await write.ExecuteAsync(Maintenance.DeleteRetired, new { row.Id }).ConfigureAwait(false) == 1)
                {
                    taken.Add(row.BlobKey);
                }
            }
            var unused = new List<string>();
            foreach (var key in taken.Distinct(StringComparer.Ordinal))
            {
                if (await write.ExecuteScalarAsync<long>(Maintenance.BlobStillUsed, new { BlobKey = key }).ConfigureAwait(false) == 0)
                {
                    unused.Add(key);
                }
            }
            return unused;
        }, cancellationToken);

    private async Task<List<ScopedInstance>> ListScopedAsync(Write write, InstanceScope scope, StudyAccess access)
    {
        var (sql, parameters) = Scoped(Maintenance.ScopedInstances, scope, access, "");
        return (await write.QueryAsync<ScopedInstance>(sql, parameters).ConfigureAwait(false)).AsList();
    }

    private Task LockAsync(Write write, string name) => _database.LockAsync(write.Connection, write.Transaction, name, write.CancellationToken);

    /// <summary>Takes the next change sequence under the change log lock (held to COMMIT, so sequences commit in order).</summary>
    private async Task<long> InsertChangeAsync(Write write, string action, InstanceRecord record, string? accessKey, DateTimeOffset now)
    {
        await LockAsync(write, "dwa:change_log").ConfigureAwait(false);
        return await write.ExecuteScalarAsync<long>(Maintenance.InsertChange, new
        {
            OccurredAt = now.ToUnixTimeMilliseconds(),
            Action = action,
            record.StudyInstanceUid,
            record.SeriesInstanceUid,
            record.SopInstanceUid,
            AccessKey = accessKey,
        }).ConfigureAwait(false);
    }

    /// <summary>A result that rolls the write back instead of committing it.</summary>
    private const int Rollback = -1;

    /// <summary>
    /// Runs <paramref name="body"/> in a write transaction and commits it, unless it returns <see cref="Rollback"/>; a
    /// failure before COMMIT that the database reports as transient (a deadlock victim, a lost connection) is retried.
    /// </summary>
    private async Task<T> WriteWithRetriesAsync<T>(Func<Write, Task<T>> body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var result = await body(new Write(connection, transaction, cancellationToken)).ConfigureAwait(false);
                        if (result is int and Rollback)
                        {
                            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                            return result;
                        }
                        committing = true;
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (Exception e) when (attempt < MaxAttempts && !committing && _database.IsTransient(e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class ScopedInstance
    {
        public long Id { get; set; }
        public long SeriesId { get; set; }
        public long StudyId { get; set; }
        public string SopInstanceUid { get; set; } = "";
        public string? AccessKey { get; set; }
    }

    private sealed class DueBlob
    {
        public long Id { get; set; }
        public string BlobKey { get; set; } = "";
    }
}
