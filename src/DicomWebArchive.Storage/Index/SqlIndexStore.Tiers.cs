using Dapper;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Tiers;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Tier bookkeeping: each study's tier and last access, each blob's tier, and the moves (<c>tier_move</c>). Starting and
/// completing a move hold the study's write lock, so they never interleave with each other or with an instance being
/// stored into the study.
/// </summary>
public sealed partial class SqlIndexStore : ITierIndex
{
    private TierSql? _tierSql;

    private TierSql Tiers => _tierSql ??= new TierSql(_database.Dialect);

    public Task<StudyStorage?> GetStudyStorageAsync(string studyInstanceUid, CancellationToken cancellationToken) =>
        _database.ReadAsync(async connection =>
        {
            var study = await connection.QuerySingleOrDefaultAsync<TierStudyRow>(Command(Tiers.StudyRow, new { Study = studyInstanceUid }, cancellationToken)).ConfigureAwait(false);
            if (study is null)
            {
                return null;
            }
            var usage = await connection.QueryAsync<UsageRow>(Command(Tiers.StudyUsage, new { StudyId = study.Id }, cancellationToken)).ConfigureAwait(false);
            var pending = await connection.QueryAsync<MoveRow>(Command(Tiers.PendingOfStudy, new { Study = studyInstanceUid }, cancellationToken)).ConfigureAwait(false);
            return new StudyStorage(
                study.StudyInstanceUid,
                BlobTiers.FromIndexValue(study.Tier),
                study.LastAccess is { } access ? FromUnixMilliseconds(access) : null,
                FromUnixMilliseconds(study.UpdatedAt),
                [.. usage.Select(u => u.ToUsage())],
                pending.LastOrDefault()?.ToMove());
        }, cancellationToken);

    public async Task<TierMove?> StartMoveAsync(string studyInstanceUid, BlobTier target, string reason, string? requestedBy, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var write = new Write(connection, transaction, cancellationToken);
                await _database.LockAsync(connection, transaction, "study:" + studyInstanceUid, cancellationToken).ConfigureAwait(false);
                var tier = await write.ExecuteScalarAsync<string>(Tiers.StudyTier, new { Study = studyInstanceUid }).ConfigureAwait(false);
                if (tier is null)
                {
                    return null;
                }
                var pending = (await write.QueryAsync<MoveRow>(Tiers.PendingOfStudy, new { Study = studyInstanceUid }).ConfigureAwait(false)).ToList();
                if (pending.Count > 0 && pending[^1].Target == target.ToIndexValue())
                {
                    return pending[^1].ToMove();
                }
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                await write.ExecuteAsync(Tiers.Supersede, new { Study = studyInstanceUid, Now = now }).ConfigureAwait(false);
                var id = await write.ExecuteScalarAsync<long>(Tiers.InsertMove, new
                {
                    StudyInstanceUid = studyInstanceUid,
                    SourceTier = tier,
                    TargetTier = target.ToIndexValue(),
                    Status = TierMoveStatus.Pending,
                    Reason = reason,
                    RequestedBy = requestedBy,
                    CreatedAt = now,
                    UpdatedAt = now,
                }).ConfigureAwait(false);
                if (target == BlobTier.Archive)
                {
                    // Readers see the study archived from now on: blobs go offline one by one from here.
                    await write.ExecuteAsync(Tiers.SetStudyTier, new { Study = studyInstanceUid, Tier = target.ToIndexValue() }).ConfigureAwait(false);
                }
                var move = await write.QuerySingleAsync<MoveRow>(Tiers.Move, new { Id = id }).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return move.ToMove();
            }
        }
    }

    public async Task<TierMove?> GetMoveAsync(long id, CancellationToken cancellationToken) =>
        (await QueryAsync<MoveRow>(Tiers.Move, new { Id = id }, cancellationToken).ConfigureAwait(false)).SingleOrDefault()?.ToMove();

    public async Task<IReadOnlyList<TierMove>> ListPendingMovesAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<MoveRow>(Tiers.Pending, new { }, cancellationToken).ConfigureAwait(false)).ConvertAll(m => m.ToMove());

    public async Task<bool> ClaimMoveAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        await ExecuteAsync(Tiers.Claim, new { Id = id, Now = now.ToUnixTimeMilliseconds(), Until = until.ToUnixTimeMilliseconds() }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<StudyBlob>> ListStudyBlobsAsync(string studyInstanceUid, CancellationToken cancellationToken) =>
        (await QueryAsync<StudyBlobRow>(Tiers.StudyBlobs, new { Study = studyInstanceUid }, cancellationToken).ConfigureAwait(false)).ConvertAll(b => b.ToBlob());

    public Task SetInstanceTierAsync(string sopInstanceUid, string blobKey, BlobTier tier, CancellationToken cancellationToken) =>
        ExecuteAsync(Tiers.SetInstanceTier, new { Sop = sopInstanceUid, BlobKey = blobKey, Tier = tier.ToIndexValue() }, cancellationToken);

    public async Task<bool> CompleteMoveAsync(long id, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var write = new Write(connection, transaction, cancellationToken);
                var move = await write.QuerySingleOrDefaultAsync<MoveRow>(Tiers.Move, new { Id = id }).ConfigureAwait(false);
                if (move is null)
                {
                    return false;
                }
                await _database.LockAsync(connection, transaction, "study:" + move.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (await write.ExecuteAsync(Tiers.Complete, new { Id = id, Now = now }).ConfigureAwait(false) != 1)
                {
                    return false;
                }
                await write.ExecuteAsync(Tiers.SetStudyTier, new { Study = move.StudyInstanceUid, Tier = move.Target }).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    public Task FailMoveAsync(long id, string error, CancellationToken cancellationToken) =>
        ExecuteAsync(Tiers.Fail, new { Id = id, Error = error.Length <= 2000 ? error : error[..2000], Now = _time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken);

    public async Task<BlobTier?> TouchStudyAsync(string studyInstanceUid, DateTimeOffset now, TimeSpan resolution, CancellationToken cancellationToken)
    {
        var parameters = new { Study = studyInstanceUid, Now = now.ToUnixTimeMilliseconds(), Threshold = (now - resolution).ToUnixTimeMilliseconds() };
        if (await ExecuteAsync(Tiers.Touch, parameters, cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }
        var tier = (await QueryAsync<string>(Tiers.StudyTier, parameters, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        return tier is null ? null : BlobTiers.FromIndexValue(tier);
    }

    public async Task<IReadOnlyList<IdleStudy>> ListIdleStudiesAsync(DateTimeOffset idleSince, long afterId, int limit, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<IdleRow>(Tiers.Idle, new { IdleSince = idleSince.ToUnixTimeMilliseconds(), After = afterId, Limit = limit, Zero = 0 }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => new IdleStudy(r.Id, r.StudyInstanceUid, BlobTiers.FromIndexValue(r.Tier), SplitList(r.Modalities),
            FromUnixMilliseconds(Math.Max(r.UpdatedAt, r.LastAccess ?? 0))));
    }

    public async Task<IReadOnlyList<TierUsage>> GetUsageAsync(CancellationToken cancellationToken) =>
        (await QueryAsync<UsageRow>(Tiers.Usage, new { }, cancellationToken).ConfigureAwait(false)).ConvertAll(u => u.ToUsage());

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(Command(sql, parameters, cancellationToken)).ConfigureAwait(false);
        }
    }

    private static CommandDefinition Command(string sql, object parameters, CancellationToken cancellationToken) => new(sql, parameters, cancellationToken: cancellationToken);

    private sealed class TierStudyRow
    {
        public long Id { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public string Tier { get; set; } = "";
        public long? LastAccess { get; set; }
        public long UpdatedAt { get; set; }
    }

    private sealed class UsageRow
    {
        public string Tier { get; set; } = "";
        public long Instances { get; set; }
        public long Bytes { get; set; }

        public TierUsage ToUsage() => new(BlobTiers.FromIndexValue(Tier), Instances, Bytes);
    }

    private sealed class IdleRow
    {
        public long Id { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public string Tier { get; set; } = "";
        public string? Modalities { get; set; }
        public long? LastAccess { get; set; }
        public long UpdatedAt { get; set; }
    }

    private sealed class StudyBlobRow
    {
        public string SeriesInstanceUid { get; set; } = "";
        public string SopInstanceUid { get; set; } = "";
        public string BlobKey { get; set; } = "";
        public string Tier { get; set; } = "";
        public long Size { get; set; }
        public long? PixelRows { get; set; }
        public long? PixelColumns { get; set; }

        public StudyBlob ToBlob() => new(SeriesInstanceUid, SopInstanceUid, BlobKey, BlobTiers.FromIndexValue(Tier), Size, PixelRows > 0 && PixelColumns > 0);
    }

    private sealed class MoveRow
    {
        public long Id { get; set; }
        public string StudyInstanceUid { get; set; } = "";
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
        public string Status { get; set; } = "";
        public string Reason { get; set; } = "";
        public string? RequestedBy { get; set; }
        public string? Error { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long? CompletedAt { get; set; }

        public TierMove ToMove() => new()
        {
            Id = Id,
            StudyInstanceUid = StudyInstanceUid,
            Source = BlobTiers.FromIndexValue(Source),
            Target = BlobTiers.FromIndexValue(Target),
            Status = Status,
            Reason = Reason,
            RequestedBy = RequestedBy,
            Error = Error,
            CreatedAt = FromUnixMilliseconds(CreatedAt),
            UpdatedAt = FromUnixMilliseconds(UpdatedAt),
            CompletedAt = CompletedAt is { } completed ? FromUnixMilliseconds(completed) : null,
        };
    }
}
