using System.Data.Common;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// The index on a relational database through Dapper: the SQL is shared, the differences live in the dialect.
/// Each instance is added in one write transaction together with its study and series rows, their aggregates
/// and an audit row.
/// </summary>
public sealed partial class SqlIndexStore : IIndexStore, IIndexReader
{
    private const char ValueSeparator = '\\';
    private const int MaxAttempts = 5;
    private readonly IndexDatabase _database;
    private readonly IndexSql _sql;
    private readonly TimeProvider _time;

    internal SqlIndexStore(IndexDatabase database, TimeProvider? timeProvider = null)
    {
        _database = database;
        _sql = new IndexSql(database.Dialect);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>An index in the SQLite file the connection string names (created when missing).</summary>
    public static SqlIndexStore ForSqlite(string connectionString) => new(new SqliteIndexDatabase(connectionString));

    /// <summary>An index on <paramref name="provider"/> (Sqlite, PostgreSql or SqlServer), as Storage:Index:Provider names it.</summary>
    public static SqlIndexStore Create(string provider, string connectionString) => new(IndexDatabase.Create(provider, connectionString));

    /// <summary>Where the index lives, safe to log (no password).</summary>
    public string Description => _database.Description;

    internal ISqlDialect Dialect => _database.Dialect;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await IndexMigrator.MigrateAsync(_database, cancellationToken).ConfigureAwait(false);
        await SealAuditAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddInstanceAsync(InstanceRecord record, bool overwrite, ArchiveCaller caller, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("add_instance");
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(caller);
        return _database.WritesOneAtATime
            ? AddInGroupAsync(new PendingAdd(record, overwrite, caller))
            : AddAloneAsync(record, overwrite, caller, cancellationToken);
    }

    private async Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddAloneAsync(InstanceRecord record, bool overwrite, ArchiveCaller caller, CancellationToken cancellationToken)
    {
        // A write that failed before its COMMIT was sent did not happen (the database rolls back what a lost session or a
        // deadlock victim began), so a deadlock or a connection a database restart broke while it sat in the pool is
        // retried. A failure during COMMIT is never retried: whether it committed cannot be told, and the caller decides.
        for (var attempt = 1; ; attempt++)
        {
            var write = new WriteAttempt();
            try
            {
                return await TryAddAloneAsync(record, overwrite, caller, write, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < MaxAttempts && !write.Committing && _database.IsTransient(e))
            {
                _database.DiscardIdleConnections();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(AddInstanceResult Result, string? ReplacedBlobKey)> TryAddAloneAsync(
        InstanceRecord record, bool overwrite, ArchiveCaller caller, WriteAttempt attempt, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var added = await AddInTransactionAsync(new Write(connection, transaction, cancellationToken), record, overwrite, caller).ConfigureAwait(false);
                if (IsRefusal(added.Result))
                {
                    // Nothing of a refused instance stays: the transaction rolls back as it is disposed.
                    return added;
                }
                attempt.Committing = true;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return added;
            }
        }
    }

    /// <summary>A result after which what the instance wrote inside the transaction must be undone.</summary>
    private static bool IsRefusal(AddInstanceResult result) => result is AddInstanceResult.Conflict or AddInstanceResult.NotAuthorized;

    /// <summary>
    /// Adds the instance inside the open write transaction, with its study and series rows, their aggregates, its change
    /// and its audit record. The caller commits; on a refusal (<see cref="IsRefusal"/>) it must undo what was written.
    /// </summary>
    private async Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddInTransactionAsync(Write write, InstanceRecord record, bool overwrite, ArchiveCaller caller)
    {
        var (connection, transaction, cancellationToken) = write;
        // The audit record of an instance kept commits with it: a crash never leaves one without the other.
        // Refusals are recorded by the front end, which knows the reason.
        var audit = AuditRecord.For(caller, AuditActions.Store, _time.GetUtcNow()) with
        {
            StudyInstanceUid = record.StudyInstanceUid,
            SeriesInstanceUid = record.SeriesInstanceUid,
            SopInstanceUid = record.SopInstanceUid,
            PatientId = record.PatientId,
            Bytes = record.Size,
        };

        // Lock order: the instance, then its studies by UID, then the change log, then the audit trail (IndexDatabase.LockAsync).
        await _database.LockAsync(connection, transaction, "instance:" + record.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        var existing = await write.QuerySingleOrDefaultAsync<ExistingInstance>(_sql.FindExisting, new { record.SopInstanceUid }).ConfigureAwait(false);
        if (existing is not null && !caller.Access.Allows(existing.StudyInstanceUid, existing.AccessKey))
        {
            // Said before "already stored" or "conflict": those would tell what another study holds.
            return (AddInstanceResult.NotAuthorized, null);
        }
        if (existing is not null)
        {
            if (existing.Sha256.AsSpan().SequenceEqual(record.Sha256))
            {
                await AppendAuditAsync(write, audit with { Details = "already stored" }).ConfigureAwait(false);
                return (AddInstanceResult.AlreadyStored, null);
            }

            if (!overwrite)
            {
                return (AddInstanceResult.Conflict, null);
            }
        }

        foreach (var studyUid in new[] { record.StudyInstanceUid, existing?.StudyInstanceUid }.OfType<string>().Distinct().Order(StringComparer.Ordinal))
        {
            await _database.LockAsync(connection, transaction, "study:" + studyUid, cancellationToken).ConfigureAwait(false);
        }

        if (!caller.Access.IsUnrestricted)
        {
            // The study keeps the first access key it got: an instance joins it only where the caller may then see it.
            var target = await write.QuerySingleOrDefaultAsync<StudyRow>(_sql.SelectStudy, new { record.StudyInstanceUid }).ConfigureAwait(false);
            if (!caller.Access.Allows(record.StudyInstanceUid, target?.AccessKey ?? record.AccessKey))
            {
                return (AddInstanceResult.NotAuthorized, null);
            }
        }

        if (existing is not null)
        {
            await write.ExecuteAsync(_sql.DeleteInstance, new { existing.Id }).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var study = await UpsertStudyAsync(write, record, now).ConfigureAwait(false);
        var series = await UpsertSeriesAsync(write, record, study.Id, now).ConfigureAwait(false);
        if (series.StudyId != study.Id)
        {
            // The Series Instance UID already belongs to another study: storing would corrupt both.
            return (AddInstanceResult.Conflict, null);
        }

        // The change sequence is taken under a lock held to COMMIT, so sequences commit in the order they were taken.
        await _database.LockAsync(connection, transaction, "dwa:change_log", cancellationToken).ConfigureAwait(false);
        var change = await write.ExecuteScalarAsync<long>(_sql.InsertChange, new
        {
            OccurredAt = now,
            Action = existing is null ? "create" : "update",
            record.StudyInstanceUid,
            record.SeriesInstanceUid,
            record.SopInstanceUid,
            AccessKey = study.AccessKey ?? record.AccessKey,
        }).ConfigureAwait(false);
        await InsertInstanceAsync(write, record, series.Id, change).ConfigureAwait(false);
        if (existing is null)
        {
            // Increments under the write lock stay exact and cost the same for the 1st and the 10,000th instance.
            await write.ExecuteAsync(_sql.IncrementSeriesCount, new { SeriesId = series.Id }).ConfigureAwait(false);
            await write.ExecuteAsync(_sql.IncrementStudyCounts, new { StudyId = study.Id, NewSeries = series.IsNew ? 1 : 0, Now = now }).ConfigureAwait(false);
            var newSopClass = !SplitValues(study.SopClassesInStudy).Contains(record.SopClassUid, StringComparer.Ordinal);
            await RefreshStudyValuesAsync(write, study.Id, modalities: series.IsNew, sopClasses: newSopClass).ConfigureAwait(false);
        }
        else
        {
            // A replacement can move the instance to another series or study: recount everything it touched.
            await RefreshSeriesAsync(write, series.Id).ConfigureAwait(false);
            if (existing.SeriesId != series.Id)
            {
                await RefreshSeriesAsync(write, existing.SeriesId).ConfigureAwait(false);
            }

            if (existing.StudyId != study.Id)
            {
                await RefreshStudyAsync(write, existing.StudyId, now, modalities: true, sopClasses: true).ConfigureAwait(false);
            }

            await RefreshStudyAsync(write, study.Id, now, modalities: true, sopClasses: true).ConfigureAwait(false);
        }

        await AppendAuditAsync(write, audit with { Details = existing is null ? "stored" : "replaced" }).ConfigureAwait(false);
        return existing is null ? (AddInstanceResult.Added, null) : (AddInstanceResult.Replaced, existing.BlobKey);
    }

    public async Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("find_instance");
        return await _database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<StoredInstance>(
            new CommandDefinition(_sql.FindInstance, new { SopInstanceUid = sopInstanceUid }, cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsBlobReferencedAsync(string blobKey, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("is_blob_referenced");
        return await _database.ReadAsync(connection => connection.ExecuteScalarAsync<long>(
            new CommandDefinition(_sql.IsBlobReferenced, new { BlobKey = blobKey }, cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false) != 0;
    }

    private async Task<StudyRow> UpsertStudyAsync(Write write, InstanceRecord r, long now)
    {
        // First writer wins for the study's attributes; later instances only move its aggregates.
        await write.ExecuteAsync(_sql.InsertStudy, new
        {
            r.StudyInstanceUid,
            r.StudyDate,
            r.StudyTime,
            r.AccessionNumber,
            DicomStudyId = r.StudyId,
            r.StudyDescription,
            r.ReferringPhysicianName,
            r.PatientName,
            PatientNameNormalized = PersonNameNormalizer.Normalize(r.PatientName),
            r.PatientId,
            r.PatientBirthDate,
            r.PatientSex,
            r.TimezoneOffsetFromUtc,
            r.AccessKey,
            CreatedAt = now,
            UpdatedAt = now,
        }).ConfigureAwait(false);
        var study = await write.QuerySingleAsync<StudyRow>(_sql.SelectStudy, new { r.StudyInstanceUid }).ConfigureAwait(false);
        if (study.AccessKey is null && r.AccessKey is not null)
        {
            // A study whose first instance lacked the access attribute takes the first value that comes.
            await write.ExecuteAsync(_sql.SetStudyAccessKey, new { StudyId = study.Id, r.AccessKey }).ConfigureAwait(false);
        }
        return study;
    }

    private async Task<SeriesRow> UpsertSeriesAsync(Write write, InstanceRecord r, long studyId, long now)
    {
        var inserted = await write.ExecuteAsync(_sql.InsertSeries, new
        {
            StudyId = studyId,
            r.SeriesInstanceUid,
            r.Modality,
            r.SeriesNumber,
            r.SeriesDescription,
            r.SeriesDate,
            r.SeriesTime,
            r.PerformedProcedureStepStartDate,
            r.PerformedProcedureStepStartTime,
            CreatedAt = now,
        }).ConfigureAwait(false);
        var series = await write.QuerySingleAsync<SeriesRow>(_sql.SelectSeries, new { r.SeriesInstanceUid }).ConfigureAwait(false);
        series.IsNew = inserted > 0;
        return series;
    }

    private Task InsertInstanceAsync(Write write, InstanceRecord r, long seriesId, long changeSequence) =>
        write.ExecuteScalarAsync<long>(_sql.InsertInstance, new
        {
            SeriesId = seriesId,
            r.SopInstanceUid,
            r.SopClassUid,
            r.InstanceNumber,
            PixelRows = r.Rows,
            PixelColumns = r.Columns,
            r.BitsAllocated,
            r.NumberOfFrames,
            r.TransferSyntaxUid,
            r.Size,
            r.Sha256,
            r.BlobKey,
            r.Tier,
            r.PixelDataOffset,
            r.FrameTable,
            Metadata = r.MetadataJson,
            CreatedAt = r.CreatedAt.ToUnixTimeMilliseconds(),
            ChangeSequence = changeSequence,
        });

    /// <summary>Recounts the series' instances from the rows; a series left empty by a replacement goes away.</summary>
    private async Task RefreshSeriesAsync(Write write, long seriesId)
    {
        await write.ExecuteAsync(_sql.RefreshSeriesCount, new { SeriesId = seriesId }).ConfigureAwait(false);
        if (await write.ExecuteScalarAsync<long>(_sql.SelectSeriesCount, new { SeriesId = seriesId }).ConfigureAwait(false) == 0)
        {
            await write.ExecuteAsync(_sql.DeleteSeries, new { SeriesId = seriesId }).ConfigureAwait(false);
        }
    }

    /// <summary>Recounts the study from its rows; a study left empty by a replacement goes away.</summary>
    private async Task RefreshStudyAsync(Write write, long studyId, long now, bool modalities, bool sopClasses)
    {
        var parameters = new { StudyId = studyId, Now = now };
        await write.ExecuteAsync(_sql.RefreshStudyCounts, parameters).ConfigureAwait(false);
        if (await write.ExecuteScalarAsync<long>(_sql.SelectStudySeriesCount, parameters).ConfigureAwait(false) == 0)
        {
            await write.ExecuteAsync(_sql.DeleteStudy, parameters).ConfigureAwait(false);
            return;
        }

        await RefreshStudyValuesAsync(write, studyId, modalities, sopClasses).ConfigureAwait(false);
    }

    /// <summary>Recomputes the multi-valued aggregates from the rows, only when they can have changed.</summary>
    private async Task RefreshStudyValuesAsync(Write write, long studyId, bool modalities, bool sopClasses)
    {
        var parameters = new { StudyId = studyId };
        if (modalities)
        {
            var values = await write.QueryAsync<string>(_sql.SelectStudyModalities, parameters).ConfigureAwait(false);
            await write.ExecuteAsync(_sql.UpdateStudyModalities, new { StudyId = studyId, Value = JoinValues(values) }).ConfigureAwait(false);
        }

        if (sopClasses)
        {
            var values = await write.QueryAsync<string>(_sql.SelectStudySopClasses, parameters).ConfigureAwait(false);
            await write.ExecuteAsync(_sql.UpdateStudySopClasses, new { StudyId = studyId, Value = JoinValues(values) }).ConfigureAwait(false);
        }
    }

    private static string? JoinValues(IEnumerable<string> values)
    {
        var joined = string.Join(ValueSeparator, values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return joined.Length == 0 ? null : joined;
    }

    private static string[] SplitValues(string? joined) => string.IsNullOrEmpty(joined) ? [] : joined.Split(ValueSeparator);

    /// <summary>The connection, transaction and token every statement of one write shares.</summary>
    private readonly record struct Write(DbConnection Connection, DbTransaction Transaction, CancellationToken CancellationToken)
    {
        public Task<int> ExecuteAsync(string sql, object parameters) => Connection.ExecuteAsync(Command(sql, parameters));

        public Task<T?> ExecuteScalarAsync<T>(string sql, object parameters) => Connection.ExecuteScalarAsync<T>(Command(sql, parameters));

        public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object parameters) => Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters));

        public Task<T> QuerySingleAsync<T>(string sql, object parameters) => Connection.QuerySingleAsync<T>(Command(sql, parameters));

        public Task<IEnumerable<T>> QueryAsync<T>(string sql, object parameters) => Connection.QueryAsync<T>(Command(sql, parameters));

        private CommandDefinition Command(string sql, object parameters) => new(sql, parameters, Transaction, cancellationToken: CancellationToken);
    }

    private sealed class WriteAttempt
    {
        public bool Committing { get; set; }
    }

    private sealed class ExistingInstance
    {
        public long Id { get; set; }
        public long SeriesId { get; set; }
        public long StudyId { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public byte[] Sha256 { get; set; } = [];
        public string BlobKey { get; set; } = "";
        public string? AccessKey { get; set; }
    }

    private sealed class StudyRow
    {
        public long Id { get; set; }
        public string? SopClassesInStudy { get; set; }
        public string? AccessKey { get; set; }
    }

    private sealed class SeriesRow
    {
        public long Id { get; set; }
        public long StudyId { get; set; }
        public bool IsNew { get; set; }
    }
}
