using System.Text.Json;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Operations;

namespace DicomWebArchive.Core.Maintenance;

/// <summary>
/// Storage verification (an operation of type "verify"): re-reads the blob of every live instance, or of one study's,
/// and checks its size and SHA-256 against what the index recorded at ingest. The report names every missing and corrupt
/// instance (up to <see cref="MaxListed"/> of each) and is kept with the operation.
/// </summary>
public sealed class StorageVerifier(IMaintenanceIndex index, IBlobStore blobs, IOperationStore operations, TimeProvider time) : IOperationHandler
{
    public const int MaxListed = 1000;

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    public string Type => OperationTypes.Verify;

    /// <summary>Records a verification of <paramref name="studyInstanceUid"/> (or of everything) for a runner to do.</summary>
    public async Task<OperationRecord> StartAsync(ArchiveCaller caller, string? studyInstanceUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = time.GetUtcNow();
        var operation = new OperationRecord
        {
            Id = OperationRecord.NewId(),
            Type = OperationTypes.Verify,
            CreatedAt = now,
            UpdatedAt = now,
            Subject = caller.Subject,
            SubjectName = caller.Name,
            ClientAddress = caller.ClientAddress,
            CorrelationId = caller.CorrelationId,
            Request = JsonSerializer.Serialize(new VerificationRequest(studyInstanceUid), Json),
            Results = JsonSerializer.Serialize(new VerificationReport { Study = studyInstanceUid }, Json),
        };
        await operations.CreateOperationAsync(operation, [], cancellationToken).ConfigureAwait(false);
        return operation;
    }

    public async Task<(string Status, string Results)> RunAsync(OperationRecord operation, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var study = JsonSerializer.Deserialize<VerificationRequest>(operation.Request, Json)!.Study;
        long total = await index.CountInstancesAsync(study, cancellationToken).ConfigureAwait(false);
        var report = new VerificationReport { Study = study };
        var missing = new List<VerifiedInstance>();
        var corrupt = new List<VerifiedInstance>();
        var lastReport = time.GetUtcNow();
        await foreach (var stored in index.ListStoredBlobsAsync(study, cancellationToken).ConfigureAwait(false))
        {
            var found = await BlobInstanceReader.HashAsync(blobs, stored.BlobKey, cancellationToken).ConfigureAwait(false);
            var instance = new VerifiedInstance(stored.StudyInstanceUid, stored.SeriesInstanceUid, stored.SopInstanceUid, stored.BlobKey, stored.Size,
                Convert.ToHexStringLower(stored.Sha256), found?.Size, found is { } f ? Convert.ToHexStringLower(f.Sha256) : null);
            report = report with { InstancesChecked = report.InstancesChecked + 1, BytesChecked = report.BytesChecked + (found?.Size ?? 0) };
            if (found is null)
            {
                report = report with { MissingCount = report.MissingCount + 1 };
                Add(missing, instance);
            }
            else if (found.Value.Size != stored.Size || !found.Value.Sha256.AsSpan().SequenceEqual(stored.Sha256))
            {
                report = report with { CorruptCount = report.CorruptCount + 1 };
                Add(corrupt, instance);
            }
            if (time.GetUtcNow() - lastReport >= ReportEvery)
            {
                int percent = total == 0 ? 100 : (int)Math.Min(99, 100 * report.InstancesChecked / total);
                await context.ReportAsync(percent, Serialize(report, missing, corrupt), cancellationToken).ConfigureAwait(false);
                lastReport = time.GetUtcNow();
            }
        }
        return (OperationStatuses.Completed, Serialize(report with { Finished = true }, missing, corrupt));
    }

    private static void Add(List<VerifiedInstance> list, VerifiedInstance instance)
    {
        if (list.Count < MaxListed)
        {
            list.Add(instance);
        }
    }

    private static string Serialize(VerificationReport report, List<VerifiedInstance> missing, List<VerifiedInstance> corrupt) =>
        JsonSerializer.Serialize(report with { Missing = [.. missing], Corrupt = [.. corrupt] }, Json);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record VerificationRequest(string? Study);
}

/// <summary>What a verification found: counts, and the missing and corrupt instances (the first <see cref="StorageVerifier.MaxListed"/> of each).</summary>
public sealed record VerificationReport
{
    public string? Study { get; init; }
    public bool Finished { get; init; }
    public long InstancesChecked { get; init; }
    public long BytesChecked { get; init; }
    public long MissingCount { get; init; }
    public long CorruptCount { get; init; }
    public IReadOnlyList<VerifiedInstance> Missing { get; init; } = [];
    public IReadOnlyList<VerifiedInstance> Corrupt { get; init; } = [];
}

/// <summary>An instance whose blob is missing or differs: what the index expects and what was found (null when missing).</summary>
public sealed record VerifiedInstance(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string BlobKey,
    long ExpectedSize, string ExpectedSha256, long? ActualSize, string? ActualSha256);
