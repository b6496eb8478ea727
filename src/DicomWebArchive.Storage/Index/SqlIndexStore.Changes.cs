using System.Text;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Changes;
using DicomWebArchive.Core.Operations;

namespace DicomWebArchive.Storage.Index;

/// <summary>The change feed over change_log, and operations kept in the index for every replica to answer for.</summary>
public sealed partial class SqlIndexStore : IChangeFeedIndex, IOperationStore
{
    public async Task<IReadOnlyList<ChangeEntry>> ReadChangesAsync(ChangeFeedQuery query, StudyAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (sql, parameters) = Changes(query.IncludeMetadata, access, where =>
        {
            var p = _database.Dialect.ParameterPrefix;
            if (query.IsWindow)
            {
                where.Add($"c.occurred_at >= {p}Start");
                where.Add($"c.occurred_at < {p}End");
            }
            else
            {
                where.Add($"c.sequence > {p}After");
            }
        });
        parameters.Add("After", query.After);
        parameters.Add("Start", (query.StartTime ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds());
        parameters.Add("End", (query.EndTime ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds());
        parameters.Add("Limit", query.Limit);
        parameters.Add("Skip", query.IsWindow ? query.Skip : 0);
        var rows = await QueryAsync<ChangeRow>(sql + " ORDER BY c.sequence " + _database.Dialect.Paging("Limit", "Skip"), parameters, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToEntry());
    }

    public async Task<ChangeEntry?> ReadLatestChangeAsync(bool includeMetadata, StudyAccess access, CancellationToken cancellationToken)
    {
        var (sql, parameters) = Changes(includeMetadata, access, _ => { });
        parameters.Add("Limit", 1);
        parameters.Add("Skip", 0);
        var rows = await QueryAsync<ChangeRow>(sql + " ORDER BY c.sequence DESC " + _database.Dialect.Paging("Limit", "Skip"), parameters, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToEntry();
    }

    private (string Sql, DynamicParameters Parameters) Changes(bool includeMetadata, StudyAccess access, Action<List<string>> conditions)
    {
        ArgumentNullException.ThrowIfNull(access);
        var parameters = new DynamicParameters();
        var sql = new StringBuilder(Maintenance.ChangesSelect).Append(includeMetadata ? ", i.metadata AS Metadata" : "").Append(Maintenance.ChangesFrom);
        var where = new List<string>();
        conditions(where);
        // The access key the change log kept: a study's changes are shown to the callers that could see it at the time.
        if (QueryColumns.AccessCondition(access, _database.Dialect, parameters, "c") is { } allowed)
        {
            where.Add($"({allowed})");
        }
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }
        return (sql.ToString(), parameters);
    }

    public async Task<bool> CreateOperationAsync(OperationRecord operation, IReadOnlyCollection<string> studies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(studies);
        return 1 == await WriteWithRetriesAsync(async write =>
        {
            await LockAsync(write, "dwa:operations").ConfigureAwait(false);
            if (studies.Count > 0)
            {
                var parameters = new DynamicParameters();
                var names = studies.Select((study, i) =>
                {
                    parameters.Add("s" + i, study);
                    return _database.Dialect.Parameter("s" + i);
                });
                var claimed = await write.ExecuteScalarAsync<long>(Maintenance.ClaimedStudies + "(" + string.Join(", ", names) + ")", parameters).ConfigureAwait(false);
                if (claimed > 0)
                {
                    return Rollback;
                }
            }
            await write.ExecuteAsync(Maintenance.InsertOperation, new
            {
                operation.Id,
                operation.Type,
                operation.Status,
                CreatedAt = operation.CreatedAt.ToUnixTimeMilliseconds(),
                UpdatedAt = operation.UpdatedAt.ToUnixTimeMilliseconds(),
                operation.Subject,
                operation.SubjectName,
                operation.ClientAddress,
                operation.CorrelationId,
                operation.Request,
                operation.Results,
            }).ConfigureAwait(false);
            foreach (var study in studies)
            {
                await write.ExecuteAsync(Maintenance.InsertClaim, new { Study = study, operation.Id }).ConfigureAwait(false);
            }
            return 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OperationRecord?> GetOperationAsync(string id, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<OperationRow>(Maintenance.OperationRead + $" WHERE id = {_database.Dialect.Parameter("Id")}", new { Id = id }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public async Task<OperationRecord?> LeaseOperationAsync(string owner, DateTimeOffset now, DateTimeOffset leaseExpired, CancellationToken cancellationToken)
    {
        string? id = null;
        await WriteWithRetriesAsync(async write =>
        {
            await LockAsync(write, "dwa:operations").ConfigureAwait(false);
            id = await write.ExecuteScalarAsync<string?>(Maintenance.NextOperation, new { Expired = leaseExpired.ToUnixTimeMilliseconds(), One = 1, Zero = 0 }).ConfigureAwait(false);
            if (id is null)
            {
                return Rollback;
            }
            await write.ExecuteAsync(Maintenance.StartOperation, new { Id = id, Owner = owner, Now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false);
            return 1;
        }, cancellationToken).ConfigureAwait(false);
        return id is null ? null : await GetOperationAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReportOperationAsync(string id, string owner, int percentComplete, string? results, DateTimeOffset now, CancellationToken cancellationToken) =>
        1 == await WriteWithRetriesAsync(write => write.ExecuteAsync(Maintenance.ReportOperation, new
        {
            Id = id,
            Owner = owner,
            Percent = percentComplete,
            Results = results,
            Now = now.ToUnixTimeMilliseconds(),
        }), cancellationToken).ConfigureAwait(false);

    public Task FinishOperationAsync(string id, string owner, string status, string? results, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteWithRetriesAsync(async write =>
        {
            await LockAsync(write, "dwa:operations").ConfigureAwait(false);
            if (await write.ExecuteAsync(Maintenance.FinishOperation, new { Id = id, Owner = owner, Status = status, Results = results, Now = now.ToUnixTimeMilliseconds() }).ConfigureAwait(false) == 1)
            {
                await write.ExecuteAsync(Maintenance.ReleaseClaims, new { Id = id }).ConfigureAwait(false);
            }
            return 1;
        }, cancellationToken);

    private sealed class ChangeRow
    {
        public long Sequence { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public string SeriesInstanceUid { get; set; } = "";
        public string SopInstanceUid { get; set; } = "";
        public string Action { get; set; } = "";
        public long OccurredAt { get; set; }
        public long? CurrentSequence { get; set; }
        public byte[]? Metadata { get; set; }

        public ChangeEntry ToEntry() => new(Sequence, StudyInstanceUid, SeriesInstanceUid, SopInstanceUid, Action, DateTimeOffset.FromUnixTimeMilliseconds(OccurredAt),
            CurrentSequence is null ? ChangeStates.Deleted : CurrentSequence == Sequence ? ChangeStates.Current : ChangeStates.Replaced, Metadata);
    }

    private sealed class OperationRow
    {
        public string Id { get; set; } = "";
        public string Type { get; set; } = "";
        public string Status { get; set; } = "";
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long PercentComplete { get; set; }
        public string? Subject { get; set; }
        public string? SubjectName { get; set; }
        public string? ClientAddress { get; set; }
        public string? CorrelationId { get; set; }
        public string Request { get; set; } = "";
        public string? Results { get; set; }

        public OperationRecord ToRecord() => new()
        {
            Id = Id,
            Type = Type,
            Status = Status,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
            PercentComplete = (int)PercentComplete,
            Subject = Subject,
            SubjectName = SubjectName,
            ClientAddress = ClientAddress,
            CorrelationId = CorrelationId,
            Request = Request,
            Results = Results,
        };
    }
}
