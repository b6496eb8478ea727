namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// One frame as native little-endian samples, laid out as <see cref="Description"/> says (a decoder may change the
/// layout: JPEG output is 8-bit RGB or grey, RLE output pixel-interleaved).
/// </summary>
public sealed record DecodedFrame(ImageDescription Description, byte[] Samples);
