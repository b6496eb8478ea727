using System.Diagnostics;
using System.Threading.Channels;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Upload;

/// <summary>
/// Sends a corpus in batches over parallel connections. Its counters are read while it runs (progress bar);
/// <see cref="RunAsync"/> answers one outcome per source, in the order of the sources.
/// </summary>
internal sealed class UploadRun(DicomWebClient client, IReadOnlyList<DicomSource> sources, int batchSize, int parallel)
{
    private long _sentBytes;
    private int _completed;

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public int Completed => Volatile.Read(ref _completed);

    public TimeSpan Elapsed => Stopwatch.Elapsed;

    private Stopwatch Stopwatch { get; } = new();

    public async Task<UploadOutcome[]> RunAsync(CancellationToken cancellationToken)
    {
        var uploader = new StowUploader(client);
        var outcomes = new UploadOutcome[sources.Count];
        var batches = Channel.CreateUnbounded<int[]>();
        foreach (var batch in Batches())
        {
            batches.Writer.TryWrite(batch);
        }
        batches.Writer.Complete();

        Stopwatch.Start();
        var workers = Enumerable.Range(0, Math.Max(1, parallel)).Select(async _ =>
        {
            await foreach (int[] indexes in batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = await uploader.SendAsync([.. indexes.Select(i => sources[i])], n => Interlocked.Add(ref _sentBytes, n), cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < indexes.Length; i++)
                {
                    outcomes[indexes[i]] = result[i];
                }
                Interlocked.Add(ref _completed, indexes.Length);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        Stopwatch.Stop();
        return outcomes;
    }

    /// <summary>
    /// Batches in corpus order, except that a SOP Instance UID found twice (a copy, or a damaged version of a file)
    /// goes into a later batch: within one request, the answer for it could not be told apart.
    /// </summary>
    private List<int[]> Batches()
    {
        var occurrence = new Dictionary<string, int>(StringComparer.Ordinal);
        var rounds = new List<List<int>>();
        for (int i = 0; i < sources.Count; i++)
        {
            int round = occurrence[sources[i].SopInstanceUid] = occurrence.GetValueOrDefault(sources[i].SopInstanceUid, -1) + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }
            rounds[round].Add(i);
        }
        return [.. rounds.SelectMany(r => r.Chunk(batchSize))];
    }
}
