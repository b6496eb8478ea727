using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Rendering;

public sealed partial record ImageDescription
{
    private static readonly DicomTag SharedFunctionalGroupsSequence = new(0x52009229);
    private static readonly DicomTag PerFrameFunctionalGroupsSequence = new(0x52009230);
    private static readonly DicomTag PixelValueTransformationSequence = new(0x00289145);
    private static readonly DicomTag FrameVOILUTSequence = new(0x00289132);

    /// <summary>
    /// The description of one frame: enhanced multi-frame images (PS3.3 C.7.6.16) carry rescale and window in the
    /// shared functional groups, overridden per frame, instead of at the top level.
    /// </summary>
    public ImageDescription ForFrame(DicomDataset dataset, int frameNumber)
    {
        var result = this;
        foreach (var group in new[] { Item(dataset, SharedFunctionalGroupsSequence, 0), Item(dataset, PerFrameFunctionalGroupsSequence, frameNumber - 1) })
        {
            if (group is null)
            {
                continue;
            }
            if (Item(group, PixelValueTransformationSequence, 0) is { } transform)
            {
                result = result with
                {
                    RescaleSlope = FirstDecimal(transform, DicomTags.RescaleSlope) is { } slope && slope != 0 ? slope : result.RescaleSlope,
                    RescaleIntercept = FirstDecimal(transform, DicomTags.RescaleIntercept) ?? result.RescaleIntercept,
                };
            }
            if (Item(group, FrameVOILUTSequence, 0) is { } voi && ReadWindow(voi) is { } window)
            {
                result = result with { Window = window };
            }
        }
        return result;
    }

    private static DicomDataset? Item(DicomDataset dataset, DicomTag sequence, int index) =>
        dataset.Find(sequence)?.Items is { } items && index >= 0 && index < items.Count ? items[index] : null;
}
