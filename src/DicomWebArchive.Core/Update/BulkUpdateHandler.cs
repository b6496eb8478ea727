using System.Text.Json;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Text;
using DicomWebArchive.Dicom.Writing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Update;

/// <summary>
/// Runs a bulk update: each instance of each study is written anew with the changed attributes (a new blob through the
/// Part 10 writer; pixel data and other large values copied from the old blob as they are), indexed from its own bytes
/// as STOW would, and swapped in with an "update" change; the old blob stays until Retention:PurgeDelay. An instance
/// that already holds the new values is left alone, so a run taken over after a crash picks up where it stopped.
/// </summary>
public sealed partial class BulkUpdateHandler(
    IIndexReader reader,
    IMaintenanceIndex index,
    IBlobStore blobs,
    IOptions<StoreOptions> store,
    IOptions<StudyAccessOptions> access,
    IOptions<RetentionOptions> retention,
    TimeProvider time,
    ILogger<BulkUpdateHandler> logger) : IOperationHandler
{
    private static readonly DicomReaderOptions Scan = new() { PixelData = PixelDataHandling.Scan, AllowMissingMeta = true };
    private static readonly DicomReaderOptions Inflated = new() { PixelData = PixelDataHandling.Load, MaxInlineValueLength = int.MaxValue, AllowMissingMeta = true };
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    /// <summary>Modifying System (0400,0563) of the Original Attributes Sequence item each update appends.</summary>
    private const string ModifyingSystem = "DicomWebArchive";

    public string Type => OperationTypes.Update;

    public async Task<(string Status, string Results)> RunAsync(OperationRecord operation, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var request = JsonSerializer.Deserialize<BulkUpdateRequest>(operation.Request, BulkUpdateService.Json)!;
        var changes = ChangeDataset.Parse(request.ChangeDataset);
        var changed = changes.Select(c => c.Tag).ToHashSet();
        var studyAttributes = QueryAttributes.All.Where(a => a.Level == QueryLevel.Study && !a.IsAggregate && changed.Contains(a.Tag)).ToList();
        bool accessKeyChanged = access.Value.Tag is { } tag && changed.Contains(tag);
        var caller = operation.Caller;
        var results = new BulkUpdateResults();
        var errors = new List<string>();
        var lastReport = time.GetUtcNow();
        for (int s = 0; s < request.StudyInstanceUids.Count; s++)
        {
            string study = request.StudyInstanceUids[s];
            var instances = await reader.ListInstanceContentsAsync(new InstanceScope(study), StudyAccess.All, cancellationToken).ConfigureAwait(false);
            bool failed = false;
            for (int i = 0; i < instances.Count; i++)
            {
                try
                {
                    if (await UpdateAsync(instances[i], changes, studyAttributes, accessKeyChanged, caller, operation.Id, cancellationToken).ConfigureAwait(false))
                    {
                        results = results with { InstanceUpdated = results.InstanceUpdated + 1 };
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogInstanceFailed(logger, instances[i].SopInstanceUid, operation.Id, ex);
                    failed = true;
                    errors.Add($"Failed to update instance {instances[i].SopInstanceUid} of study {study}: {Reason(ex)}");
                }
                if (time.GetUtcNow() - lastReport >= ReportEvery)
                {
                    int percent = (int)(100.0 * (s + (double)(i + 1) / instances.Count) / request.StudyInstanceUids.Count);
                    await context.ReportAsync(percent, Serialize(results, errors), cancellationToken).ConfigureAwait(false);
                    lastReport = time.GetUtcNow();
                }
            }
            results = failed ? results with { StudyFailed = results.StudyFailed + 1 } : results with { StudyUpdated = results.StudyUpdated + 1 };
            await context.ReportAsync(100 * (s + 1) / request.StudyInstanceUids.Count, Serialize(results, errors), cancellationToken).ConfigureAwait(false);
        }
        return (results.StudyFailed == 0 ? OperationStatuses.Completed : OperationStatuses.Failed, Serialize(results, errors));
    }

    /// <summary>Writes, indexes and swaps in the changed version of one instance; false when there was nothing to do.</summary>
    private async Task<bool> UpdateAsync(InstanceContent instance, IReadOnlyList<DicomAttributeChange> changes, IReadOnlyCollection<QueryAttribute> studyAttributes,
        bool accessKeyChanged, ArchiveCaller caller, string operationId, CancellationToken cancellationToken)
    {
        string? newKey = null;
        await using (var source = await OpenSourceAsync(instance, cancellationToken).ConfigureAwait(false))
        {
            if (source is null)
            {
                throw new BlobMissingException(instance.BlobKey);
            }
            var file = await DicomReader.ReadAsync(source.Stream, source.Syntax.IsDeflated ? Inflated : Scan, cancellationToken).ConfigureAwait(false);
            if (AlreadyApplied(file.Dataset, changes))
            {
                return false;
            }
            var dataset = DicomDatasetEditor.Apply(file.Dataset, changes, time.GetUtcNow(), ModifyingSystem);
            var writer = await blobs.CreateAsync(cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                var stream = source.Stream;
                var options = new DicomPart10WriterOptions { OpenValue = element => new InstanceTranscoder.ValueStream(stream, element.ValueOffset, element.ValueLength, 1) };
                await DicomPart10Writer.WriteAsync(writer.Stream, dataset, source.Syntax, options, cancellationToken).ConfigureAwait(false);
                await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
                newKey = writer.Key;
            }
        }

        bool swapped = false;
        try
        {
            var (record, _) = await BlobInstanceReader.ReadAsync(blobs, newKey, store.Value.BulkDataThreshold, access.Value.Tag, cancellationToken).ConfigureAwait(false);
            var update = new InstanceUpdate(studyAttributes, accessKeyChanged, time.GetUtcNow() + retention.Value.PurgeDelay, $"bulk update {operationId}");
            swapped = await index.UpdateInstanceAsync(record, instance.BlobKey, update, caller, cancellationToken).ConfigureAwait(false);
            return swapped;
        }
        finally
        {
            if (!swapped)
            {
                // Deleted or replaced meanwhile, or the index failed: the new version is not used.
                await blobs.DeleteAsync(newKey, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static bool AlreadyApplied(DicomDataset dataset, IReadOnlyList<DicomAttributeChange> changes) =>
        changes.All(c => dataset.Find(c.Tag) is { IsValueLoaded: true } element
            && string.Equals(DicomText.GetString(dataset, element).TrimEnd(' ', '\0'), c.Text, StringComparison.Ordinal));

    /// <summary>
    /// The stored instance as the writer reads it: seekable (values are copied from their offsets) and in a syntax the
    /// writer writes (big endian is converted to explicit VR little endian first).
    /// </summary>
    private async Task<Source?> OpenSourceAsync(InstanceContent instance, CancellationToken cancellationToken)
    {
        var blob = await blobs.OpenReadAsync(instance.BlobKey, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return null;
        }
        var syntax = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        var seekable = blob;
        if (!blob.CanSeek)
        {
            await using (blob.ConfigureAwait(false))
            {
                seekable = TempFile();
                await blob.CopyToAsync(seekable, cancellationToken).ConfigureAwait(false);
                seekable.Position = 0;
            }
        }
        if (!syntax.IsBigEndian)
        {
            return new Source(seekable, syntax);
        }
        await using (seekable.ConfigureAwait(false))
        {
            var converted = TempFile();
            await InstanceTranscoder.WriteAsync(seekable, syntax, TransferSyntax.ExplicitVRLittleEndian, converted, cancellationToken).ConfigureAwait(false);
            converted.Position = 0;
            return new Source(converted, TransferSyntax.ExplicitVRLittleEndian);
        }
    }

    private static FileStream TempFile() =>
        new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static string Serialize(BulkUpdateResults results, List<string> errors) =>
        JsonSerializer.Serialize(results with { Errors = [.. errors.Take(100)] }, BulkUpdateService.Json);

    private static string Reason(Exception ex) => ex switch
    {
        BlobMissingException => "its blob is missing",
        DicomFormatException => "its stored file cannot be read",
        _ => "the archive could not write the new version",
    };

    private sealed class Source(Stream stream, TransferSyntax syntax) : IAsyncDisposable
    {
        public Stream Stream { get; } = stream;

        public TransferSyntax Syntax { get; } = syntax;

        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk update {OperationId} could not update instance {SopInstanceUid}")]
    private static partial void LogInstanceFailed(ILogger logger, string sopInstanceUid, string operationId, Exception exception);
}
