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

    [TestCase(0x00280106u, 0, DicomVR.US)]
    [TestCase(0x00280106u, 1, DicomVR.SS)]
    [TestCase(0x7FE00010u, 0, DicomVR.OW)]
    [TestCase(0x60003000u, 0, DicomVR.OW)]
    [TestCase(0x00283006u, 1, DicomVR.US)]
    [TestCase(0x00100000u, 0, DicomVR.UL)]
    [TestCase(0x00091010u, 0, DicomVR.UN)]
    [TestCase(0x00090010u, 0, DicomVR.LO)]
    [TestCase(0x00081234u, 0, DicomVR.UN)]
    [TestCase(0xFFFEE000u, 0, DicomVR.None)]
    public void GetImplicitVR_Context_ResolvesAlternatives(uint tag, int pixelRepresentation, DicomVR expected) =>
        Assert.That(DicomDictionary.GetImplicitVR(new DicomTag(tag), pixelRepresentation), Is.EqualTo(expected));

    [TestCase("SIEMENS CSA HEADER", 0x00291008u, DicomVR.CS)]
    [TestCase("SIEMENS CSA HEADER", 0x00291009u, DicomVR.LO)]
    [TestCase("SIEMENS CSA HEADER", 0x00291110u, DicomVR.OB)]
    [TestCase("SIEMENS MR HEADER", 0x0019100Au, DicomVR.US)]
    [TestCase("SIEMENS MR HEADER", 0x00191A0Cu, DicomVR.IS)]
    [TestCase("SIEMENS MR HEADER", 0x00191028u, DicomVR.FD)]
    [TestCase("TOSHIBA_MEC_OT3", 0x70191080u, DicomVR.OB)]
    public void TryGetPrivateVR_ListedElementInAnyBlock_GivesDictionaryVR(string creator, uint tag, DicomVR expected)
    {
        Assert.That(DicomDictionary.TryGetPrivateVR(creator, new DicomTag(tag), out var vr), Is.True);
        Assert.That(vr, Is.EqualTo(expected));
    }

    [TestCase("SIEMENS CSA HEADER", 0x00291001u)]
    [TestCase("SIEMENS CSA HEADER", 0x00281008u)]
    [TestCase("SIEMENS CSA HEADER", 0x00290010u)]
    [TestCase("SIEMENS CSA HEADER", 0x00290008u)]
    [TestCase("siemens csa header", 0x00291008u)]
    [TestCase("SIEMENS CSA HEADER ", 0x00291008u)]
    [TestCase("NO SUCH CREATOR", 0x00291008u)]
    public void TryGetPrivateVR_NotListed_False(string creator, uint tag) =>
        Assert.That(DicomDictionary.TryGetPrivateVR(creator, new DicomTag(tag), out _), Is.False);

    [Test]
    public void TryGetPrivateVR_EveryBlockRelativeLineOfTheDictionary_IsLoaded()
    {
        var lines = ReadResource("private-dictionary.tsv");
        int checkedLines = 0;
        foreach (var fields in lines.Where(f => f[1][4..6] == "xx" && f[1][..4].All(char.IsAsciiHexDigit) && new DicomTag(Convert.ToUInt16(f[1][..4], 16), 0x1000).IsPrivate && f[2] != "UN"))
        {
            var tag = new DicomTag(Convert.ToUInt16(fields[1][..4], 16), (ushort)(0x1000 | Convert.ToByte(fields[1][6..], 16)));
            Assert.That(DicomDictionary.TryGetPrivateVR(fields[0], tag, out var vr), Is.True, string.Join(' ', fields));
            Assert.That(vr.ToCode(), Is.EqualTo(fields[2][..2]), string.Join(' ', fields));
            checkedLines++;
        }
        Assert.That(checkedLines, Is.GreaterThan(7000));
    }

    [TestCase("SIEMENS CSA HEADER", true)]
    [TestCase("SIEMENS CSA HEADER  ", true)]
    [TestCase("SIEMENS CSA HEADER|", true)]
    [TestCase("SIEMENS CSA HEADER|garbage", true)]
    [TestCase(" SIEMENS CSA HEADER", false)]
    [TestCase("Siemens CSA Header", false)]
    [TestCase("SIEMENS CSA HEADER\\SECOND", false)]
    [TestCase("", false)]
    [TestCase("|SIEMENS CSA HEADER", false)]
    public void FindPrivateCreator_Value_ComparedLikeDcmtk(string value, bool found)
    {
        // '|' stands for NUL, which test names should not carry.
        var bytes = System.Text.Encoding.Latin1.GetBytes(value.Replace('|', '\0'));
        Assert.That(DicomDictionary.FindPrivateCreator(bytes) >= 0, Is.EqualTo(found));
    }

    [Test]
    public void FindPrivateCreator_HugeOrBinaryValue_NotListed()
    {
        var huge = new byte[1 << 20];
        huge.AsSpan().Fill((byte)'A');
        Assert.That(DicomDictionary.FindPrivateCreator(huge), Is.EqualTo(-1));
        var latin1 = System.Text.Encoding.Latin1.GetBytes("SIEMENS CSA HEADER\u00e9");
        Assert.That(DicomDictionary.FindPrivateCreator(latin1), Is.EqualTo(-1));
        Assert.That(DicomDictionary.FindPrivateCreator([0xFF, 0xFE, 0x80, 0x00, 0x41]), Is.EqualTo(-1));
    }

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
