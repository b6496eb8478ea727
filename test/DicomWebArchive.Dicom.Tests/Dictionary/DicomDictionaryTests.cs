namespace DicomWebArchive.Dicom.Tests.Dictionary;

public sealed class DicomDictionaryTests
{
    [Test]
    public void TryGetEntry_PatientName_HasVRKeywordAndName()
    {
        Assert.That(DicomDictionary.TryGetEntry(DicomTags.PatientName, out var entry), Is.True);
        Assert.That(entry!.VR, Is.EqualTo(DicomVR.PN));
        Assert.That(entry.Keyword, Is.EqualTo("PatientName"));
        Assert.That(entry.Name, Is.EqualTo("Patient's Name"));
        Assert.That(entry.ValueMultiplicity, Is.EqualTo("1"));
        Assert.That(entry.IsRetired, Is.False);
    }

    [Test]
    public void TryGetTag_Keyword_RoundTripsWithGetKeyword()
    {
        Assert.That(DicomDictionary.TryGetTag("StudyInstanceUID", out var tag), Is.True);
        Assert.That(tag, Is.EqualTo(DicomTags.StudyInstanceUID));
        Assert.That(DicomDictionary.GetKeyword(tag), Is.EqualTo("StudyInstanceUID"));
        Assert.That(DicomDictionary.TryGetTag("NoSuchKeyword", out _), Is.False);
    }

    [Test]
    public void TryGetEntry_EveryLineOfTheDictionary_IsLoaded()
    {
        var lines = ReadResource("data-dictionary.tsv");
        foreach (var fields in lines)
        {
            var tag = DicomTag.Parse(fields[0]);
            Assert.That(DicomDictionary.TryGetEntry(tag, out var entry), Is.True, fields[0]);
            Assert.That(entry!.Keyword, Is.EqualTo(fields[3]), fields[0]);
            Assert.That(string.Join(" or ", entry.ValueRepresentations.Select(v => v == DicomVR.None ? "NONE" : v.ToCode())), Is.EqualTo(fields[1]), fields[0]);
        }
        Assert.That(lines, Has.Count.GreaterThan(4000));
    }

    [TestCase(0x60003000u, "OverlayData", DicomVR.OW)]
    [TestCase(0x601E3000u, "OverlayData", DicomVR.OW)]
    [TestCase(0x60220010u, "OverlayRows", DicomVR.US)]
    [TestCase(0x50020005u, "CurveDimensions", DicomVR.US)]
    [TestCase(0x7F020010u, "VariablePixelData", DicomVR.OW)]
    public void TryGetEntry_RepeatingGroup_Found(uint tag, string keyword, DicomVR vr)
    {
        Assert.That(DicomDictionary.TryGetEntry(new DicomTag(tag), out var entry), Is.True);
        Assert.That(entry!.Keyword, Is.EqualTo(keyword));
        Assert.That(entry.VR, Is.EqualTo(vr));
    }

    [Test]
    public void TryGetEntry_OddGroupInRepeatingRange_IsPrivateNotOverlay() =>
        Assert.That(DicomDictionary.TryGetEntry(new DicomTag(0x60013000), out _), Is.False);

    [Test]
    public void TryGetTag_RepeatingKeyword_GivesFirstGroup()
    {
        Assert.That(DicomDictionary.TryGetTag("OverlayData", out var tag), Is.True);
        Assert.That(tag, Is.EqualTo(new DicomTag(0x60003000)));
    }

    [TestCase(0x00280106u, 0, 0, DicomVR.US)]
    [TestCase(0x00280106u, 0, 1, DicomVR.SS)]
    [TestCase(0x7FE00010u, 8, 0, DicomVR.OB)]
    [TestCase(0x7FE00010u, 16, 0, DicomVR.OW)]
    [TestCase(0x7FE00010u, 0, 0, DicomVR.OW)]
    [TestCase(0x60003000u, 8, 0, DicomVR.OW)]
    [TestCase(0x00283006u, 16, 1, DicomVR.US)]
    [TestCase(0x00100000u, 0, 0, DicomVR.UL)]
    [TestCase(0x00091010u, 0, 0, DicomVR.UN)]
    [TestCase(0x00090010u, 0, 0, DicomVR.LO)]
    [TestCase(0x00081234u, 0, 0, DicomVR.UN)]
    [TestCase(0xFFFEE000u, 0, 0, DicomVR.None)]
    public void GetImplicitVR_Context_ResolvesAlternatives(uint tag, int bitsAllocated, int pixelRepresentation, DicomVR expected) =>
        Assert.That(DicomDictionary.GetImplicitVR(new DicomTag(tag), bitsAllocated, pixelRepresentation), Is.EqualTo(expected));

    private static List<string[]> ReadResource(string name)
    {
        using var stream = typeof(DicomDictionary).Assembly.GetManifestResourceStream("DicomWebArchive.Dicom." + name)!;
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var lines = new List<string[]>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            lines.Add(line.Split('\t'));
        }
        return lines;
    }
}
