using System.Buffers;
using System.Security.Cryptography;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Core.Store;

public sealed partial class StoreService
{
    private const int CopyChunk = 80 * 1024;

    /// <summary>
    /// The stored form of an instance whose meta group is missing or contradicts its data set: a new blob holding a zero
    /// preamble, the corrected meta group and the data set bytes copied unchanged from the received blob, which is
    /// removed. The received blob is committed first because only committed blobs can be read; a crash in between
    /// leaves an unreferenced blob for the sweeper, like any crash before indexing. Only such rare files pay for the
    /// second write; the same input always gives the same bytes, so a retry finds its instance already stored.
    /// </summary>
    /// <exception cref="BlobWriteException">The blob store failed at any step.</exception>
    private async Task<CorrectedCopy> WriteCorrectedCopyAsync(IBlobWriter received, long receivedLength, DicomFile file, CancellationToken cancellationToken)
    {
        byte[] header = DicomPart10Writer.CorrectedHeader(file.Meta, file.Dataset, file.TransferSyntax);
        var dataset = new ByteRange(file.DatasetOffset, receivedLength - file.DatasetOffset);
        IBlobWriter? copy = null;
        try
        {
            await received.CommitAsync(cancellationToken);
            copy = await blobs.CreateAsync(cancellationToken);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(header);
            await copy.Stream.WriteAsync(header, cancellationToken);
            await CopyAsync(received.Key, dataset, copy.Stream, hash, cancellationToken);
            await copy.Stream.FlushAsync(cancellationToken);
            var result = new CorrectedCopy(copy, header.Length + dataset.Length, hash.GetHashAndReset(), header.Length - file.DatasetOffset);
            copy = null;
            return result;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or BlobWriteException))
        {
            throw new BlobWriteException(ex);
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync();
            }
            await DeleteQuietlyAsync(received.Key);
        }
    }

    private async Task CopyAsync(string key, ByteRange range, Stream target, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var source = await blobs.OpenReadAsync(key, range, cancellationToken)
            ?? throw new IOException("The received blob was gone before its corrected copy was written.");
        await using (source)
        {
            byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
            try
            {
                long copied = 0;
                int count;
                while ((count = await source.ReadAsync(chunk.AsMemory(0, CopyChunk), cancellationToken)) > 0)
                {
                    hash.AppendData(chunk, 0, count);
                    await target.WriteAsync(chunk.AsMemory(0, count), cancellationToken);
                    copied += count;
                }
                if (copied != range.Length)
                {
                    throw new IOException($"The received blob ended after {copied} of {range.Length} data set bytes.");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <param name="Shift">What to add to an offset in the received blob to find the same byte in the copy.</param>
    private readonly record struct CorrectedCopy(IBlobWriter Writer, long Size, byte[] Sha256, long Shift);
}
