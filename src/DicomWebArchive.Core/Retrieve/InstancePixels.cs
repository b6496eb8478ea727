using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// The pixel data of a stored instance as the frame table written at ingest locates it: each frame is ranges of the
/// blob, so nothing is parsed at request time.
/// </summary>
public sealed class InstancePixels
{
    private readonly IBlobStore _blobs;
    private readonly FrameTable? _frames;

    internal InstancePixels(InstanceRecord instance, IBlobStore blobs)
    {
        _blobs = blobs;
        Instance = instance;
        Syntax = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        _frames = instance.FrameTable is { } bytes && FrameTable.Decode(bytes) is { Count: > 0 } table ? table : null;
    }

    public InstanceRecord Instance { get; }

    /// <summary>The syntax the pixel data is stored in.</summary>
    public TransferSyntax Syntax { get; }

    public bool HasPixelData => Instance.PixelDataOffset is not null;

    /// <summary>How many frames were located at ingest; zero when the instance has no pixel data or they could not be located (deflated data).</summary>
    public int FrameCount => _frames?.Count ?? 0;

    /// <summary>Frame <paramref name="index"/> (zero-based); native big-endian frames come out little endian.</summary>
    public StoredValue Frame(int index)
    {
        if (_frames is null)
        {
            throw new InvalidOperationException($"The frames of instance {Instance.SopInstanceUid} are not located.");
        }
        return new StoredValue(_blobs, Instance.BlobKey, _frames[index], SwapUnit);
    }

    /// <summary>All frames as one value: native Pixel Data whole (its bulk data).</summary>
    public StoredValue AllFrames() =>
        new(_blobs, Instance.BlobKey, [.. Enumerable.Range(0, FrameCount).SelectMany(i => _frames![i])], SwapUnit);

    /// <summary>Big-endian native frames go out little endian, by Bits Allocated.</summary>
    private int SwapUnit =>
        Syntax is { IsBigEndian: true, IsEncapsulated: false } && Instance.BitsAllocated is 16 or 32 or 64 ? Instance.BitsAllocated.Value / 8 : 1;
}
