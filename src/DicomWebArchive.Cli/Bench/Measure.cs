using System.Buffers;
using System.Diagnostics;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Bench;

/// <summary>Times requests end to end: sent, answered, body read to the last byte (and thrown away).</summary>
internal static class Measure
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>One untimed request, then <paramref name="repeat"/> timed ones; the durations in milliseconds and the last body's size.</summary>
    public static async Task<(double[] Milliseconds, long Bytes)> TimeAsync(DicomWebClient client, Func<int, string> path, string accept, int repeat, CancellationToken cancellationToken)
    {
        await GetAsync(client, path(0), accept, cancellationToken).ConfigureAwait(false);
        var times = new double[repeat];
        long bytes = 0;
        for (int i = 0; i < repeat; i++)
        {
            long start = Stopwatch.GetTimestamp();
            bytes = await GetAsync(client, path(i), accept, cancellationToken).ConfigureAwait(false);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return (times, bytes);
    }

    /// <summary>The body's byte count; a failure status ends the bench with the server's explanation.</summary>
    public static async Task<long> GetAsync(DicomWebClient client, string path, string accept, CancellationToken cancellationToken)
    {
        using var request = client.Get(path, accept);
        using var response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await client.FailureAsync(response, cancellationToken).ConfigureAwait(false);
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static double Percentile(double[] values, double percentile)
    {
        if (values.Length == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
