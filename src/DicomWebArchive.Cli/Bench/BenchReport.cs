namespace DicomWebArchive.Cli.Bench;

/// <summary>
/// Every figure of one bench run; printed as a table, or as JSON with --json for scripts that compare servers. With
/// --stow-only the read-back figures are null.
/// </summary>
internal sealed record BenchReport(
    string Server,
    int Repeat,
    CorpusFigures Corpus,
    StowFigures Stow,
    IReadOnlyList<QidoFigures>? Qido,
    LatencyFigures? SeriesMetadata,
    LatencyFigures? Frame,
    RetrieveFigures? SeriesRetrieve);

internal sealed record CorpusFigures(int Instances, long Bytes, string StudyInstanceUid, string SeriesInstanceUid, int SeriesInstances);

/// <summary>
/// The timed part of the upload: the corpus less one round of batches (one per connection), sent untimed to warm both
/// ends up. Every instance was stored. CPU time (user and system) per timed instance: the server's with --server-pid,
/// and this client's own.
/// </summary>
internal sealed record StowFigures(int Instances, long Bytes, double Seconds, double InstancesPerSecond, double MegabytesPerSecond, int Parallel, int Batch,
    double? ServerCpuMsPerInstance, double ClientCpuMsPerInstance);

internal sealed record QidoFigures(string Name, string Query, double P50Ms, double P95Ms, int Results);

internal sealed record LatencyFigures(string Request, double P50Ms, double P95Ms);

internal sealed record RetrieveFigures(string Request, long Bytes, double Seconds, double MegabytesPerSecond);
