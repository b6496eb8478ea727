using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Rendering;

public sealed partial record ImageDescription
{
    private static readonly DicomTag ModalityLUTSequence = new(0x00283000);
    private static readonly DicomTag VOILUTSequence = new(0x00283010);

    private static readonly (string Color, DicomTag Descriptor, DicomTag Data, DicomTag Segmented)[] PaletteTags =
    [
        ("Red", new(0x00281101), new(0x00281201), new(0x00281221)),
        ("Green", new(0x00281102), new(0x00281202), new(0x00281222)),
        ("Blue", new(0x00281103), new(0x00281203), new(0x00281223)),
    ];

    // Grey images: a Modality LUT replaces rescale (PS3.3 C.11.1); the VOI LUT's first table is one choice of VOI.
    private static ImageDescription WithGreyLuts(DicomDataset dataset, ImageDescription description) => description with
    {
        ModalityLut = Item(dataset, ModalityLUTSequence, 0) is { } modality ? LookupTable.Read(modality, description.IsSigned, "Modality LUT") : null,
        VoiLut = Item(dataset, VOILUTSequence, 0) is { } voi ? LookupTable.Read(voi, description.IsSigned, "VOI LUT") : null,
    };

    private static ImageDescription WithPalettes(DicomDataset dataset, ImageDescription description)
    {
        var palettes = new PaletteLut[3];
        for (int i = 0; i < 3; i++)
        {
            var (color, descriptorTag, dataTag, segmentedTag) = PaletteTags[i];
            var (entries, firstMapped, bits) = LookupTable.ReadDescriptor(dataset.Find(descriptorTag), description.IsSigned, $"{color} Palette Color Lookup Table");
            if (dataset.Find(dataTag) is { IsValueLoaded: true } data)
            {
                palettes[i] = PaletteLut.Create(entries, firstMapped, bits, data.Value.Span);
            }
            else if (dataset.Find(segmentedTag) is { IsValueLoaded: true } segmented)
            {
                palettes[i] = PaletteLut.CreateSegmented(entries, firstMapped, bits, segmented.Value.Span);
            }
            else
            {
                throw LookupTable.Invalid($"Cannot render PALETTE COLOR without {color} Palette Color Lookup Table Data or its segmented form.");
            }
        }
        return description with { RedPalette = palettes[0], GreenPalette = palettes[1], BluePalette = palettes[2] };
    }
}
