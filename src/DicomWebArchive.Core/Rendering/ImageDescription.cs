using System.Buffers.Binary;
using System.Globalization;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Rendering;

/// <summary>The Image Pixel module and the LUT attributes rendering needs, read from the data set header.</summary>
public sealed partial record ImageDescription
{
    private static readonly DicomTag VOILUTFunction = new(0x00281056);

    /// <summary>Frames with more pixels are not rendered: a small upload must not make the renderer allocate gigabytes.</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required int SamplesPerPixel { get; init; }
    public required int BitsAllocated { get; init; }
    public required int BitsStored { get; init; }
    public required int HighBit { get; init; }
    public required bool IsSigned { get; init; }
    public required string PhotometricInterpretation { get; init; }
    public int PlanarConfiguration { get; init; }
    public int NumberOfFrames { get; init; } = 1;
    public double RescaleSlope { get; init; } = 1;
    public double RescaleIntercept { get; init; }

    /// <summary>The Modality LUT Sequence's table; when present it replaces rescale slope and intercept.</summary>
    public LookupTable? ModalityLut { get; init; }

    /// <summary>The data set's first VOI window, when it has a valid one.</summary>
    public VoiWindow? Window { get; init; }

    /// <summary>The VOI LUT Sequence's first table; preferred to the data set's window, as pydicom's apply_voi_lut does.</summary>
    public LookupTable? VoiLut { get; init; }

    public PaletteLut? RedPalette { get; init; }
    public PaletteLut? GreenPalette { get; init; }
    public PaletteLut? BluePalette { get; init; }

    public bool IsMonochrome => PhotometricInterpretation is "MONOCHROME1" or "MONOCHROME2";

    /// <summary>Reads the description; throws <see cref="RenderingException"/> when the data set describes no image this archive renders.</summary>
    public static ImageDescription FromDataset(DicomDataset dataset)
    {
        int rows = UInt16(dataset, DicomTags.Rows) ?? 0;
        int columns = UInt16(dataset, DicomTags.Columns) ?? 0;
        int bitsAllocated = UInt16(dataset, DicomTags.BitsAllocated) ?? 0;
        if (rows == 0 || columns == 0 || bitsAllocated == 0)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, "The instance has no image: Rows, Columns or Bits Allocated is missing.");
        }
        if ((long)rows * columns > MaxPixels)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"The image is too large to render ({columns}x{rows}); at most {MaxPixels} pixels are.");
        }
        if (bitsAllocated is not (1 or 8 or 16 or 32))
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"Cannot render Bits Allocated {bitsAllocated}.");
        }
        int bitsStored = Math.Clamp(UInt16(dataset, DicomTags.BitsStored) ?? bitsAllocated, 1, bitsAllocated);
        int highBit = UInt16(dataset, DicomTags.HighBit) ?? bitsStored - 1;
        if (highBit < bitsStored - 1 || highBit >= bitsAllocated)
        {
            highBit = bitsStored - 1;
        }
        string photometric = (dataset.GetAsciiString(DicomTags.PhotometricInterpretation) ?? "MONOCHROME2").ToUpperInvariant();
        int samples = UInt16(dataset, DicomTags.SamplesPerPixel) ?? 1;
        int expectedSamples = photometric is "MONOCHROME1" or "MONOCHROME2" or "PALETTE COLOR" ? 1 : 3;
        if (samples != expectedSamples || photometric is not ("MONOCHROME1" or "MONOCHROME2" or "PALETTE COLOR" or "RGB" or "YBR_FULL" or "YBR_FULL_422"))
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"Cannot render Photometric Interpretation {photometric} with {samples} samples per pixel.");
        }
        var description = new ImageDescription
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = samples,
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = highBit,
            IsSigned = UInt16(dataset, DicomTags.PixelRepresentation) == 1,
            PhotometricInterpretation = photometric,
            PlanarConfiguration = UInt16(dataset, DicomTags.PlanarConfiguration) ?? 0,
            NumberOfFrames = Math.Max(1, FirstInteger(dataset, DicomTags.NumberOfFrames) ?? 1),
            RescaleSlope = FirstDecimal(dataset, DicomTags.RescaleSlope) is { } slope && slope != 0 ? slope : 1,
            RescaleIntercept = FirstDecimal(dataset, DicomTags.RescaleIntercept) ?? 0,
            Window = ReadWindow(dataset),
        };
        return photometric == "PALETTE COLOR" ? WithPalettes(dataset, description)
            : description.IsMonochrome ? WithGreyLuts(dataset, description)
            : description;
    }

    private static VoiWindow? ReadWindow(DicomDataset dataset)
    {
        if (FirstDecimal(dataset, DicomTags.WindowCenter) is not { } center || FirstDecimal(dataset, DicomTags.WindowWidth) is not { } width)
        {
            return null;
        }
        var function = VoiFunction.Linear;
        if (dataset.GetAsciiString(VOILUTFunction) is { } text)
        {
            _ = VoiWindow.TryParseFunction(text.Replace('_', '-'), out function);
        }
        var window = new VoiWindow(center, width, function);
        return window.IsValid ? window : null;
    }

    private static int? UInt16(DicomDataset dataset, DicomTag tag) =>
        dataset.Find(tag) is { IsValueLoaded: true, Value.Length: >= 2 } element ? BinaryPrimitives.ReadUInt16LittleEndian(element.Value.Span) : null;

    private static string? FirstValue(DicomDataset dataset, DicomTag tag)
    {
        string? text = dataset.GetAsciiString(tag);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        int separator = text.IndexOf('\\', StringComparison.Ordinal);
        return (separator < 0 ? text : text[..separator]).Trim();
    }

    private static double? FirstDecimal(DicomDataset dataset, DicomTag tag) =>
        double.TryParse(FirstValue(dataset, tag), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null;

    private static int? FirstInteger(DicomDataset dataset, DicomTag tag) =>
        int.TryParse(FirstValue(dataset, tag), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;
}
