using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using DicomWebArchive.Core.Store;

namespace DicomWebArchive.Core;

/// <summary>
/// The archive's own instruments, on one meter every front end and storage provider shares (a host exports it by
/// <see cref="MeterName"/>). Tags are operation names and DICOM status codes only: never a UID, a name or any other
/// value from an instance, so the figures carry no patient data.
/// </summary>
public static class ArchiveMetrics
{
    public const string MeterName = "DicomWebArchive";

    // Seconds, from a cached frame read (sub-millisecond) to a multi-gigabyte retrieve.
    private static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public static Meter Meter { get; } = new(MeterName);

    private static readonly Counter<long> Stored = Meter.CreateCounter<long>(
        "dicomweb.archive.instances.stored", "{instance}", "Instances stored (identical re-sends included), by warning reason.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "dicomweb.archive.instances.refused", "{instance}", "Instances refused, by failure reason (PS3.18 Failure Reason, hex).");

    private static readonly Histogram<double> IndexDuration = Meter.CreateHistogram(
        "dicomweb.archive.index.duration", "s", "Index calls, by operation.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private static readonly Histogram<double> BlobDuration = Meter.CreateHistogram(
        "dicomweb.archive.blob.duration", "s", "Blob store calls, by operation.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>Buckets for a latency histogram in seconds, for front ends that add their own (per request operation).</summary>
    public static InstrumentAdvice<double> DurationAdvice { get; } = new() { HistogramBucketBoundaries = DurationBuckets };

    /// <summary>Counts the outcome of one instance a store request carried.</summary>
    public static void RecordStore(StoreOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.FailureReason is { } failure)
        {
            Refused.Add(1, new KeyValuePair<string, object?>("reason", Hex(failure)));
        }
        else
        {
            Stored.Add(1, new KeyValuePair<string, object?>("warning", outcome.WarningReason is { } warning ? Hex(warning) : "none"));
        }
    }

    /// <summary>Times an index call until disposed: <c>using var timing = ArchiveMetrics.TimeIndex("search");</c></summary>
    public static Timing TimeIndex(string operation) => new(IndexDuration, operation);

    /// <summary>Times a blob store call until disposed.</summary>
    public static Timing TimeBlob(string operation) => new(BlobDuration, operation);

    private static string Hex(ushort code) => "0x" + code.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>Records the time from its creation to its disposal in a histogram, tagged with the operation.</summary>
    public readonly struct Timing : IDisposable
    {
        private readonly Histogram<double>? _histogram;
        private readonly string _operation;
        private readonly long _started;

        internal Timing(Histogram<double> histogram, string operation)
        {
            // Nobody listening (no exporter configured, tests): no clock read, nothing recorded.
            _histogram = histogram.Enabled ? histogram : null;
            _operation = operation;
            _started = _histogram is null ? 0 : Stopwatch.GetTimestamp();
        }

        public void Dispose() =>
            _histogram?.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>("operation", _operation));
    }
}
