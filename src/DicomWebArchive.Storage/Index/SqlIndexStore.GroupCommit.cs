using System.Collections.Concurrent;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Group commit for a database that takes one writer at a time (SQLite). Instances that finish at the same moment wait
/// in one queue; whoever holds the writer's turn adds every waiting instance in one transaction, each inside a
/// savepoint of its own (a conflict undoes only its own rows), and makes them all durable with one commit, one fsync.
/// No one is answered before that commit: the data-safety contract is the same as for a transaction per instance.
/// Writers inside the process never meet SQLite's busy handler, which sleeps in steps of up to 100 ms.
/// </summary>
public sealed partial class SqlIndexStore
{
    private const int MaxGroupSize = 64;
    private const string InstanceSavepoint = "dwa_instance";
    private readonly ConcurrentQueue<PendingAdd> _pendingAdds = new();
    private readonly SemaphoreSlim _writerTurn = new(1, 1);

    private async Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddInGroupAsync(PendingAdd pending)
    {
        _pendingAdds.Enqueue(pending);
        // Queued instances are not cancelled one by one: a group is short, and a caller that stops waiting learns from
        // the index whether its instance was recorded.
        await _writerTurn.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            while (!pending.Outcome.Task.IsCompleted)
            {
                await CommitGroupAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writerTurn.Release();
        }
        return await pending.Outcome.Task.ConfigureAwait(false);
    }

    private async Task CommitGroupAsync()
    {
        var group = new List<PendingAdd>(MaxGroupSize);
        while (group.Count < MaxGroupSize && _pendingAdds.TryDequeue(out var next))
        {
            group.Add(next);
        }

        for (var attempt = 1; ; attempt++)
        {
            var write = new WriteAttempt();
            try
            {
                var outcomes = await TryCommitGroupAsync(group, write).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i].Failure is { } failure)
                    {
                        group[i].Outcome.SetException(failure);
                    }
                    else
                    {
                        group[i].Outcome.SetResult(outcomes[i].Added);
                    }
                }
                return;
            }
            catch (Exception e) when (attempt < MaxAttempts && !write.Committing && _database.IsTransient(e))
            {
                // Another process held the file (a second server, a backup): nothing was written; the whole group goes again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var pending in group)
                {
                    pending.Outcome.SetException(e);
                }
                return;
            }
        }
    }

    private async Task<GroupOutcome[]> TryCommitGroupAsync(List<PendingAdd> group, WriteAttempt attempt)
    {
        var outcomes = new GroupOutcome[group.Count];
        var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _database.BeginWriteAsync(connection, CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var write = new Write(connection, transaction, CancellationToken.None);
                for (var i = 0; i < group.Count; i++)
                {
                    var (record, overwrite, caller) = (group[i].Record, group[i].Overwrite, group[i].Caller);
                    await transaction.SaveAsync(InstanceSavepoint).ConfigureAwait(false);
                    try
                    {
                        var added = await AddInTransactionAsync(write, record, overwrite, caller).ConfigureAwait(false);
                        if (IsRefusal(added.Result))
                        {
                            await transaction.RollbackAsync(InstanceSavepoint).ConfigureAwait(false);
                        }
                        await transaction.ReleaseAsync(InstanceSavepoint).ConfigureAwait(false);
                        outcomes[i] = new GroupOutcome(added, null);
                    }
                    catch (Exception e) when (!_database.IsTransient(e))
                    {
                        // One instance the index cannot take fails alone; the others of its group are still added.
                        await transaction.RollbackAsync(InstanceSavepoint).ConfigureAwait(false);
                        await transaction.ReleaseAsync(InstanceSavepoint).ConfigureAwait(false);
                        outcomes[i] = new GroupOutcome(default, e);
                    }
                }

                attempt.Committing = true;
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return outcomes;
            }
        }
    }

    private sealed class PendingAdd(InstanceRecord record, bool overwrite, ArchiveCaller caller)
    {
        public InstanceRecord Record { get; } = record;

        public bool Overwrite { get; } = overwrite;

        public ArchiveCaller Caller { get; } = caller;

        public TaskCompletionSource<(AddInstanceResult Result, string? ReplacedBlobKey)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly record struct GroupOutcome((AddInstanceResult Result, string? ReplacedBlobKey) Added, Exception? Failure);
}
