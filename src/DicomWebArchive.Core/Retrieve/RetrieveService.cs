using System.Buffers;
using System.IO.Pipelines;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Tiers;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// Retrieves stored instances, their frames and bulk data for a caller. Lookups go through the index with the caller's
/// access applied in the query; bytes come from the blob store, as stored or converted from a native syntax. Instances
/// of an archived study are not served: their study's rehydration starts and <see cref="StudyOfflineException"/> says so.
/// </summary>
public sealed class RetrieveService(IIndexReader index, IBlobStore blobs, StudyTiering tiering)
{
    private static readonly DicomReaderOptions HeaderOptions = new() { PixelData = PixelDataHandling.Stop };
    private static readonly DicomReaderOptions WholeOptions = new() { PixelData = PixelDataHandling.Scan };
    private static readonly DicomReaderOptions InflatedOptions = new() { PixelData = PixelDataHandling.Load, MaxInlineValueLength = int.MaxValue };

    /// <summary>The instances <paramref name="scope"/> names that the caller may see, in index order; empty when none.</summary>
    public async Task<IReadOnlyList<InstanceContent>> FindAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await index.ListInstanceContentsAsync(scope, caller.Access, cancellationToken).ConfigureAwait(false);
        Note(caller, scope, found.Count, found.Count > 0 ? found[0].PatientId : null);
        if (found.Count > 0)
        {
            await tiering.NoteAccessAsync(scope.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
            await tiering.EnsureOnlineAsync(scope.StudyInstanceUid, found.Select(f => BlobTiers.FromIndexValue(f.Tier)), cancellationToken).ConfigureAwait(false);
        }
        return found;
    }

    /// <summary>As <see cref="FindAsync"/>, with every indexed attribute (what a DICOMDIR's records need).</summary>
    public async Task<IReadOnlyList<InstanceRecord>> FindRecordsAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await index.ListInstancesAsync(scope, caller.Access, cancellationToken).ConfigureAwait(false);
        Note(caller, scope, 0, found.Count > 0 ? found[0].PatientId : null);
        return found;
    }

    /// <summary>The one instance <paramref name="scope"/> names, when the caller may see it.</summary>
    public async Task<InstanceRecord?> FindInstanceAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!scope.IsInstance)
        {
            throw new ArgumentException("The scope must name an instance.", nameof(scope));
        }
        var found = await index.ListInstancesAsync(scope, caller.Access, cancellationToken).ConfigureAwait(false);
        Note(caller, scope, found.Count, found.Count > 0 ? found[0].PatientId : null);
        if (found.Count == 0)
        {
            return null;
        }
        await tiering.NoteAccessAsync(scope.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
        await tiering.EnsureOnlineAsync(scope.StudyInstanceUid, [BlobTiers.FromIndexValue(found[0].Tier)], cancellationToken).ConfigureAwait(false);
        return found[0];
    }

    /// <summary>What the caller's operation touched, for its audit record; nothing when the scope named nothing it may see.</summary>
    internal static void Note(ArchiveCaller caller, InstanceScope scope, int instances, string? patientId)
    {
        if (instances > 0 || patientId is not null)
        {
            caller.Audit.Touched(scope.StudyInstanceUid, scope.SeriesInstanceUid, scope.SopInstanceUid, patientId, instances);
        }
    }

    /// <summary>The pixel data of the instance <paramref name="scope"/> names, when the caller may see it.</summary>
    public async Task<InstancePixels?> FindPixelsAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken) =>
        await FindInstanceAsync(caller, scope, cancellationToken).ConfigureAwait(false) is { } instance ? new InstancePixels(instance, blobs) : null;

    /// <summary>
    /// The binary value a BulkDataURI names (other than Pixel Data, which <see cref="FindPixelsAsync"/> serves), found
    /// by reading the stored header; such values are small and rare, so one header parse per request is fine. Null when
    /// the instance has no such binary value.
    /// </summary>
    public async Task<StoredValue?> FindBulkDataAsync(InstanceRecord instance, BulkDataPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(path);
        var stored = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        // Values after Pixel Data (trailing padding) and Pixel Data itself need a read past it.
        bool pastPixelData = (path.Steps.Count > 0 ? path.Steps[0].SequenceTag : path.Tag).Value >= DicomTags.FloatPixelData.Value;
        var options = stored.IsDeflated ? InflatedOptions : pastPixelData ? WholeOptions : HeaderOptions;
        var blob = await OpenAsync(instance.BlobKey, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            DicomFile file;
            try
            {
                file = await DicomReader.ReadAsync(blob, options, cancellationToken).ConfigureAwait(false);
            }
            catch (DicomFormatException)
            {
                // The blob was parsed at ingest; a failure here means the path ran into something the archive cannot serve.
                return null;
            }
            var element = path.Find(file.Dataset);
            if (element is null || element.Items is not null)
            {
                return null;
            }
            if (element.Fragments is { } fragments && !stored.IsDeflated)
            {
                return new StoredValue(blobs, instance.BlobKey, [.. fragments], 1);
            }
            if (element.IsValueLoaded)
            {
                return new StoredValue(element.Value);
            }
            int swap = stored.IsBigEndian ? InstanceTranscoder.SwapUnit(element, instance.BitsAllocated ?? 16) : 1;
            return new StoredValue(blobs, instance.BlobKey, [new ByteRange(element.ValueOffset, element.ValueLength)], swap);
        }
    }

    /// <summary>The instance's stored bytes as they are (the preamble was zeroed at ingest), or converted from a native syntax.</summary>
    public async Task WriteAsync(InstanceContent instance, TransferSyntax target, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(target);
        var stored = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        var blob = await OpenAsync(instance.BlobKey, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            if (target == stored)
            {
                await blob.CopyToAsync(output, 128 * 1024, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await InstanceTranscoder.WriteAsync(blob, stored, target, output, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>As <see cref="WriteAsync(InstanceContent, TransferSyntax, Stream, CancellationToken)"/>, stored bytes read straight into the pipe's buffers.</summary>
    public Task WriteAsync(InstanceContent instance, TransferSyntax target, PipeWriter output, CancellationToken cancellationToken) =>
        WriteAsync(instance, target, output, ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync(InstanceContent, TransferSyntax, PipeWriter, CancellationToken)"/>, with
    /// <paramref name="partHeader"/> (a multipart part's delimiter and headers) written first, once the blob is open: a
    /// blob that cannot be read fails before anything of its part is in the pipe, so a first part can still become an
    /// error answer.
    /// </summary>
    public async Task WriteAsync(InstanceContent instance, TransferSyntax target, PipeWriter output, ReadOnlyMemory<byte> partHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        var stored = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        var blob = await OpenAsync(instance.BlobKey, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            output.Write(partHeader.Span);
            if (target != stored)
            {
                await InstanceTranscoder.WriteAsync(blob, stored, target, output.AsStream(leaveOpen: true), cancellationToken).ConfigureAwait(false);
                return;
            }
            while (true)
            {
                int read = await blob.ReadAsync(output.GetMemory(256 * 1024), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                output.Advance(read);
                if (!output.CanGetUnflushedBytes || output.UnflushedBytes >= 1024 * 1024)
                {
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Stream> OpenAsync(string blobKey, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(blobKey, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("The blob of a stored instance is missing from the blob store.");
}
