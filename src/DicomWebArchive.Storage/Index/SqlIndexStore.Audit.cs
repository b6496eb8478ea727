using System.Data.Common;
using System.Text;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore : IAuditStore
{
    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("audit_append");
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var write = new Write(connection, transaction, cancellationToken);
                foreach (var record in records)
                {
                    await AppendAuditAsync(write, record).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("audit_query");
        ArgumentNullException.ThrowIfNull(query);
        var p = _database.Dialect.ParameterPrefix;
        var where = new List<string>();
        var parameters = new DynamicParameters();
        void Match(string column, string name, object? value)
        {
            if (value is not null)
            {
                where.Add($"{column} {(name is "From" ? ">=" : name is "To" ? "<=" : "=")} {p}{name}");
                parameters.Add(name, value);
            }
        }
        Match("patient_id", "PatientId", query.PatientId);
        Match("study_instance_uid", "Study", query.StudyInstanceUid);
        Match("subject", "Subject", query.Subject);
        Match("action", "Action", query.Action);
        Match("occurred_at", "From", query.From?.ToUnixTimeMilliseconds());
        Match("occurred_at", "To", query.To?.ToUnixTimeMilliseconds());
        parameters.Add("Limit", query.Limit);
        parameters.Add("Offset", query.Offset);
        var sql = new StringBuilder(_sql.AuditRead);
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }
        sql.Append(" ORDER BY sequence ").Append(_database.Dialect.Paging("Limit", "Offset"));
        var rows = await QueryAsync<AuditRow>(sql.ToString(), parameters, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToRecord());
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("audit_verify");
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            byte[]? previous = null;
            long count = 0;
            // Streamed: the trail can hold millions of records.
            await foreach (var row in connection.QueryUnbufferedAsync<AuditRow>(_sql.AuditRead + " ORDER BY sequence").WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                count++;
                if (row.Hash is null)
                {
                    return new AuditVerification(false, count, row.Sequence, "The record is not sealed: it has no hash.");
                }
                if (!(row.PreviousHash ?? []).AsSpan().SequenceEqual(previous ?? []))
                {
                    return new AuditVerification(false, count, row.Sequence, "The record does not follow the one before it: a record was removed or inserted.");
                }
                if (!AuditChain.Hash(previous, row.ToRecord()).AsSpan().SequenceEqual(row.Hash))
                {
                    return new AuditVerification(false, count, row.Sequence, "The record's fields do not match its hash: it was changed.");
                }
                previous = row.Hash;
            }
            return new AuditVerification(true, count, null, null);
        }
    }

    /// <summary>Appends one record chained to the last, inside a write transaction, under the lock that serializes appends.</summary>
    private async Task AppendAuditAsync(Write write, AuditRecord record)
    {
        await _database.LockAsync(write.Connection, write.Transaction, "dwa:audit_log", write.CancellationToken).ConfigureAwait(false);
        var previous = await write.ExecuteScalarAsync<byte[]?>(_sql.LastAuditHash, new { One = 1, Zero = 0 }).ConfigureAwait(false);
        await write.ExecuteAsync(_sql.InsertAudit, new
        {
            OccurredAt = record.OccurredAt.ToUnixTimeMilliseconds(),
            record.Subject,
            record.SubjectName,
            record.ClientAddress,
            record.Action,
            record.StudyInstanceUid,
            record.SeriesInstanceUid,
            record.SopInstanceUid,
            record.PatientId,
            record.Outcome,
            record.Status,
            record.Bytes,
            record.CorrelationId,
            record.Details,
            PreviousHash = previous,
            Hash = AuditChain.Hash(previous, record),
        }).ConfigureAwait(false);
    }

    /// <summary>Chains records that have no hash yet (carried over from before the chain existed), in order.</summary>
    private async Task SealAuditAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM audit_event WHERE hash IS NULL", cancellationToken: cancellationToken)).ConfigureAwait(false) == 0)
            {
                return;
            }
            var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var write = new Write(connection, transaction, cancellationToken);
                byte[]? previous = null;
                foreach (var row in (await write.QueryAsync<AuditRow>(_sql.AuditRead + " ORDER BY sequence", new { }).ConfigureAwait(false)).ToList())
                {
                    if (row.Hash is null)
                    {
                        var hash = AuditChain.Hash(previous, row.ToRecord());
                        await write.ExecuteAsync(_sql.SealAudit, new { PreviousHash = previous, Hash = hash, row.Sequence }).ConfigureAwait(false);
                        row.Hash = hash;
                    }
                    previous = row.Hash;
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class AuditRow
    {
        public long Sequence { get; set; }
        public long OccurredAt { get; set; }
        public string? Subject { get; set; }
        public string? SubjectName { get; set; }
        public string? ClientAddress { get; set; }
        public string Action { get; set; } = "";
        public string? StudyInstanceUid { get; set; }
        public string? SeriesInstanceUid { get; set; }
        public string? SopInstanceUid { get; set; }
        public string? PatientId { get; set; }
        public string Outcome { get; set; } = "";
        public long? Status { get; set; }
        public long? Bytes { get; set; }
        public string? CorrelationId { get; set; }
        public string? Details { get; set; }
        public byte[]? PreviousHash { get; set; }
        public byte[]? Hash { get; set; }

        public AuditRecord ToRecord() => new()
        {
            Sequence = Sequence,
            OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(OccurredAt),
            Subject = Subject,
            SubjectName = SubjectName,
            ClientAddress = ClientAddress,
            Action = Action,
            StudyInstanceUid = StudyInstanceUid,
            SeriesInstanceUid = SeriesInstanceUid,
            SopInstanceUid = SopInstanceUid,
            PatientId = PatientId,
            Outcome = Outcome,
            Status = Status is { } status ? (int)status : null,
            Bytes = Bytes,
            CorrelationId = CorrelationId,
            Details = Details,
        };
    }
}
