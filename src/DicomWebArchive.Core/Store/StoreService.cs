using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Store;

/// <summary>
/// Stores one instance from a stream under the data-safety contract: tee into a new blob while parsing, validate,
/// make the blob durable, then index in one transaction; any failure before the index commit removes the blob.
/// </summary>
public sealed partial class StoreService(IBlobStore blobs, IIndexStore index, IOptions<StoreOptions> options, IOptions<StudyAccessOptions> access, ILogger<StoreService> logger)
{
    // A bare data set (no preamble, no meta group) is read too: other archives store those, and the stored copy gets a
    // meta group of its own. What is not DICOM at all still fails: the reader insists on a plausible first element.
    private static readonly DicomReaderOptions ReaderOptions = new()
    {
        PixelData = PixelDataHandling.Scan,
        AllowMissingMeta = true,
    };

    /// <summary>
    /// Reads <paramref name="part"/> to its end and stores it. Failures of the instance itself come back as an outcome;
    /// failures of the transport (the request body breaking off, cancellation) throw, after removing the blob.
    /// </summary>
    /// <param name="requiredStudyInstanceUid">The study of the request URL, when the request names one.</param>
    public async Task<StoreOutcome> StoreAsync(ArchiveCaller caller, Stream part, string? requiredStudyInstanceUid, CancellationToken cancellationToken)
    {
        await using var received = await ReceiveAsync(caller, part, requiredStudyInstanceUid, cancellationToken);
        return await received.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// First half of <see cref="StoreAsync"/>: reads <paramref name="part"/> to its end into a new, uncommitted blob and
    /// validates it. The caller may read the next part while <see cref="ReceivedInstance.CompleteAsync"/> makes this one
    /// durable and indexes it; a received instance disposed without completing leaves nothing behind.
    /// </summary>
    public async Task<ReceivedInstance> ReceiveAsync(ArchiveCaller caller, Stream part, string? requiredStudyInstanceUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        IBlobWriter writer;
        try
        {
            writer = await blobs.CreateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBlobFailure(logger, ex);
            await DrainQuietlyAsync(part, cancellationToken);
            return new ReceivedInstance(this, StoreOutcome.Failed(StoreFailureReason.OutOfResources, "The archive's blob store cannot accept the instance.", default));
        }

        IBlobWriter? handedOver = null;
        try
        {
            var read = await ReadAsync(part, writer, requiredStudyInstanceUid, cancellationToken);
            if (read.Failure is not null)
            {
                return new ReceivedInstance(this, read.Failure);
            }
            handedOver = read.Writer;
            return new ReceivedInstance(this, caller, read.Writer!, read.Record!, read.Identity, read.Findings);
        }
        finally
        {
            // The received blob is handed over, or replaced by its corrected copy (then already committed and removed).
            if (!ReferenceEquals(handedOver, writer))
            {
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>A part read into a blob: the index row and the blob holding it (the received one or its corrected copy), or a refusal.</summary>
    private sealed record ReadResult(InstanceRecord? Record, IBlobWriter? Writer, StoreIdentity Identity, StoreFindings Findings, StoreOutcome? Failure)
    {
        public static ReadResult Refused(StoreOutcome failure) => new(null, null, default, StoreFindings.None, failure);
    }

    private async Task<ReadResult> ReadAsync(Stream part, IBlobWriter writer, string? requiredStudyInstanceUid, CancellationToken cancellationToken)
    {
        using var tee = new BlobTeeStream(part, writer.Stream);
        DicomFile? file = null;
        StoreOutcome? unreadable = null;
        try
        {
            file = await DicomReader.ReadAsync(tee, ReaderOptions, cancellationToken);
            await tee.DrainAsync(cancellationToken);
        }
        catch (DicomFormatException ex)
        {
            unreadable = StoreOutcome.Failed(StoreFailureReason.CannotUnderstand, "The part cannot be read as DICOM: " + ex.Message, default);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException))
        {
            LogParseFailure(logger, ex);
            unreadable = StoreOutcome.Failed(StoreFailureReason.ProcessingFailure, "The archive could not process the instance.", default);
        }

        // A blob store that failed part-way is the archive's problem, whatever the part held: said first, naming the
        // instance when its header was read.
        if (tee.WriteFailure is { } failure)
        {
            LogBlobFailure(logger, failure);
            await DrainQuietlyAsync(part, cancellationToken);
            var failed = file is null ? default : InstanceValidation.ReadIdentity(file.Dataset);
            return ReadResult.Refused(StoreOutcome.Failed(StoreFailureReason.OutOfResources, "The archive's blob store cannot accept the instance.", failed));
        }
        if (file is null)
        {
            await DrainQuietlyAsync(part, cancellationToken);
            return ReadResult.Refused(unreadable!);
        }

        var identity = InstanceValidation.ReadIdentity(file.Dataset);
        if (InstanceValidation.Validate(file, identity, requiredStudyInstanceUid) is { } invalid)
        {
            return ReadResult.Refused(invalid);
        }
        var findings = InstanceValidation.Inspect(file);

        try
        {
            byte[] sha256 = await tee.CompleteAsync(cancellationToken);
            int threshold = options.Value.BulkDataThreshold;
            if (!findings.RewriteHeader)
            {
                return new ReadResult(InstanceRecordFactory.Create(file, writer.Key, tee.StoredLength, sha256, threshold, access.Value.Tag), writer, identity, findings, null);
            }
            var copy = await WriteCorrectedCopyAsync(writer, tee.StoredLength, file, cancellationToken);
            try
            {
                var record = InstanceRecordFactory.Create(file, copy.Writer.Key, copy.Size, copy.Sha256, threshold, access.Value.Tag, copy.Shift);
                return new ReadResult(record, copy.Writer, identity, findings, null);
            }
            catch
            {
                await copy.Writer.DisposeAsync();
                throw;
            }
        }
        catch (BlobWriteException ex)
        {
            LogBlobFailure(logger, ex);
            return ReadResult.Refused(StoreOutcome.Failed(StoreFailureReason.OutOfResources, "The archive's blob store cannot accept the instance.", identity));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogParseFailure(logger, ex);
            return ReadResult.Refused(StoreOutcome.Failed(StoreFailureReason.ProcessingFailure, "The archive could not process the instance.", identity));
        }
    }

    /// <summary>Makes the blob durable, then indexes it; the blob is removed unless an index row ends up referencing it.</summary>
    internal async Task<StoreOutcome> CommitAndIndexAsync(ArchiveCaller caller, IBlobWriter writer, InstanceRecord record, StoreIdentity identity, StoreFindings findings, CancellationToken cancellationToken)
    {
        try
        {
            await writer.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBlobFailure(logger, ex);
            await DeleteQuietlyAsync(writer.Key);
            return StoreOutcome.Failed(StoreFailureReason.OutOfResources, "The archive's blob store cannot make the instance durable.", identity);
        }
        catch (OperationCanceledException)
        {
            // A commit cancelled after its rename leaves a committed blob; remove it (a no-op when it never got there).
            await DeleteQuietlyAsync(writer.Key);
            throw;
        }
        return await IndexAsync(caller, record, identity, findings, cancellationToken);
    }

    private async Task<StoreOutcome> IndexAsync(ArchiveCaller caller, InstanceRecord record, StoreIdentity identity, StoreFindings findings, CancellationToken cancellationToken)
    {
        AddInstanceResult result;
        string? replacedBlobKey;
        try
        {
            (result, replacedBlobKey) = await index.AddInstanceAsync(record, options.Value.Duplicates == DuplicatePolicy.Overwrite, caller, cancellationToken);
        }
        catch (Exception ex)
        {
            // A failed commit may still have happened (a networked database can lose the connection during COMMIT): the
            // blob goes only when the index surely does not reference it.
            switch (await IsReferencedAsync(record.BlobKey))
            {
                case false:
                    await DeleteQuietlyAsync(record.BlobKey);
                    break;
                case true:
                    LogCommitConfirmed(logger, ex);
                    return Stored(identity, findings);
            }
            if (ex is OperationCanceledException)
            {
                throw;
            }
            LogIndexFailure(logger, ex);
            return StoreOutcome.Failed(StoreFailureReason.ProcessingFailure, "The archive's index could not record the instance.", identity);
        }

        switch (result)
        {
            case AddInstanceResult.AlreadyStored:
                await DeleteQuietlyAsync(record.BlobKey);
                return Stored(identity, findings) with { WasAlreadyStored = true };
            case AddInstanceResult.Conflict:
                await DeleteQuietlyAsync(record.BlobKey);
                return StoreOutcome.Failed(StoreFailureReason.DuplicateSopInstance, "An instance with this SOP Instance UID (0008,0018) and different content is already stored.", identity);
            case AddInstanceResult.NotAuthorized:
                await DeleteQuietlyAsync(record.BlobKey);
                return StoreOutcome.Failed(StoreFailureReason.NotAuthorized, NotAuthorizedMessage(), identity);
            case AddInstanceResult.Replaced when replacedBlobKey is not null && replacedBlobKey != record.BlobKey:
                await DeleteQuietlyAsync(replacedBlobKey);
                return Stored(identity, findings);
            default:
                return Stored(identity, findings);
        }
    }

    private string NotAuthorizedMessage() => access.Value.Tag is { } tag
        ? $"The instance's study is outside the studies this caller may store into: its {DicomDictionary.GetKeyword(tag)} ({tag.Group:X4},{tag.Element:X4}) must be one of the caller's access keys."
        : "The instance's study is outside the studies this caller may store into.";

    /// <summary>Whether an index row references the blob; null when the index cannot tell (the sweeper decides later).</summary>
    private async Task<bool?> IsReferencedAsync(string key)
    {
        try
        {
            return await index.IsBlobReferencedAsync(key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReferenceCheckFailed(logger, key, ex);
            return null;
        }
    }

    private static StoreOutcome Stored(StoreIdentity identity, StoreFindings findings) => new()
    {
        WarningReason = findings.WarningReason,
        Message = findings.Message,
        SopClassUid = identity.SopClassUid,
        SopInstanceUid = identity.SopInstanceUid,
        StudyInstanceUid = identity.StudyInstanceUid,
        SeriesInstanceUid = identity.SeriesInstanceUid,
    };

    // A failed instance does not end the request: skip the rest of its part so the next part can be read.
    private static async Task DrainQuietlyAsync(Stream part, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[81920];
        while (await part.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The sweeper removes it later; the instance outcome stands.
            LogDeleteFailure(logger, key, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob storage failed while storing an instance")]
    private static partial void LogBlobFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while reading an instance")]
    private static partial void LogParseFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing an instance failed")]
    private static partial void LogIndexFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The index reported a failed commit, yet it references the instance: it is stored")]
    private static partial void LogCommitConfirmed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell whether the index references blob {BlobKey}; it is left to the orphan sweeper")]
    private static partial void LogReferenceCheckFailed(ILogger logger, string blobKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete blob {BlobKey}; the orphan sweeper will")]
    private static partial void LogDeleteFailure(ILogger logger, string blobKey, Exception exception);
}
