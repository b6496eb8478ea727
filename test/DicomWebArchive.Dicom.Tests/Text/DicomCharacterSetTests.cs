using System.Text;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Tests.Text;

/// <summary>Byte strings are the Patient's Name values of pydicom's charset_files (FileInfo.txt), spelled as Latin-1.</summary>
public sealed class DicomCharacterSetTests
{
    private static string Decode(string charset, string latin1Bytes, bool personName = true) =>
        DicomCharacterSet.FromValue(charset).Decode(Encoding.Latin1.GetBytes(latin1Bytes), personName);

    [TestCase("ISO_IR 100", "Buc^J\u00e9r\u00f4me", "Buc^Jérôme")]
    [TestCase("ISO_IR 127", "\u00e2\u00c8\u00c7\u00e6\u00ea^\u00e4\u00e6\u00d2\u00c7\u00d1", "قباني^لنزار")]
    [TestCase("ISO_IR 126", "\u00c4\u00e9\u00ef\u00ed\u00f5\u00f3\u00e9\u00ef\u00f2", "Διονυσιος")]
    [TestCase("ISO_IR 138", "\u00f9\u00f8\u00e5\u00ef^\u00e3\u00e1\u00e5\u00f8\u00e4", "שרון^דבורה")]
    [TestCase("ISO_IR 144", "\u00bb\u00ee\u00dace\u00dc\u00d1yp\u00d3", "Люкceмбypг")]
    [TestCase("ISO_IR 203", "\u00a4", "€")]
    [TestCase("ISO_IR 13", "\u00d4\u00cf\u00c0\u00de", "ﾔﾏﾀﾞ")]
    [TestCase("ISO_IR 192", "Wang^XiaoDong=\u00e7\u008e\u008b^\u00e5\u00b0\u008f\u00e6\u009d\u00b1=", "Wang^XiaoDong=王^小東=")]
    [TestCase("GB18030", "Wang^XiaoDong=\u00cd\u00f5^\u00d0\u00a1\u00b6\u00ab=", "Wang^XiaoDong=王^小东=")]
    public void Decode_SingleCharacterSet_MatchesPydicom(string charset, string bytes, string expected) =>
        Assert.That(Decode(charset, bytes), Is.EqualTo(expected));

    // Expected characters are Python's codecs (iso8859_2/3/4/9, tis_620, gb2312, shift_jis) for the same bytes.
    [TestCase("ISO_IR 101", "\u00b1", "ą")]
    [TestCase("ISO_IR 109", "\u00a1", "Ħ")]
    [TestCase("ISO_IR 110", "\u00a1", "Ą")]
    [TestCase("ISO_IR 148", "\u00d0", "Ğ")]
    [TestCase("ISO_IR 166", "\u00a1", "ก")]
    [TestCase("GBK", "\u00d6\u00d0", "中")]
    [TestCase("\\ISO 2022 IR 58", "\u001b$)A\u00d6\u00d0", "中")]
    [TestCase("\\ISO 2022 IR 101", "\u001b-B\u00b1", "ą")]
    [TestCase("\\ISO 2022 IR 166", "\u001b-T\u00a1", "ก")]
    [TestCase("\\ISO 2022 IR 13", "\u001b)I\u00d4", "ﾔ")]
    [TestCase("ISO 2022 IR 127", "\u00e4", "ل")]
    public void Decode_OtherDefinedTerms_MatchPythonCodecs(string charset, string bytes, string expected) =>
        Assert.That(Decode(charset, bytes, personName: false), Is.EqualTo(expected));

    [Test]
    public void Decode_IsoIr87WithAsciiReturn_DecodesKanjiAndHiragana() =>
        Assert.That(
            Decode("\\ISO 2022 IR 87", "Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B"),
            Is.EqualTo("Yamada^Tarou=山田^太郎=やまだ^たろう"));

    [Test]
    public void Decode_IsoIr13WithIr87_DecodesKatakanaAndKanji() =>
        Assert.That(
            Decode("ISO 2022 IR 13\\ISO 2022 IR 87", "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3=\u001b$B;3ED\u001b(J^\u001b$BB@O:\u001b(J=\u001b$B$d$^$@\u001b(J^\u001b$B$?$m$&\u001b(J"),
            Is.EqualTo("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"));

    [Test]
    public void Decode_IsoIr149RedesignatedPerComponent_DecodesHanjaAndHangul() =>
        Assert.That(
            Decode("\\ISO 2022 IR 149", "Hong^Gildong=\u001b$)C\u00fb\u00f3^\u001b$)C\u00d1\u00ce\u00d4\u00d7=\u001b$)C\u00c8\u00ab^\u001b$)C\u00b1\u00e6\u00b5\u00bf"),
            Is.EqualTo("Hong^Gildong=洪^吉洞=홍^길동"));

    [Test]
    public void Decode_PersonNameDelimiter_ResetsToInitialSets()
    {
        // Without a new designation after '^', G1 is back to "none" and the high bytes read as Latin-1.
        Assert.That(Decode("\\ISO 2022 IR 149", "\u001b$)C\u00b1\u00e8^\u00b1\u00e8"), Is.EqualTo("김^±è"));
    }

    [Test]
    public void Decode_NotPersonName_KeepsDesignationAcrossCaret() =>
        Assert.That(Decode("\\ISO 2022 IR 149", "\u001b$)C\u00b1\u00e8^\u00b1\u00e8", personName: false), Is.EqualTo("김^김"));

    [Test]
    public void Decode_Iso2022Ir100Escape_SwitchesG1ToLatin1() =>
        Assert.That(Decode("\\ISO 2022 IR 100", "Caf\u001b-A\u00e9"), Is.EqualTo("Café"));

    [Test]
    public void Decode_GbkTrailByteIsBackslash_StaysOneCharacter() =>
        Assert.That(Decode("GBK", "\u00d5\\\u00b1\u00ed"), Is.EqualTo("誠表"));

    [Test]
    public void Decode_UnknownTerm_FallsBackToLatin1WithoutThrowing() =>
        Assert.That(Decode("ISO_IR 999", "J\u00e9r\u00f4me"), Is.EqualTo("Jérôme"));

    [Test]
    public void Decode_JisX0212_IsTheDocumentedReplacementCharacter() =>
        Assert.That(Decode("\\ISO 2022 IR 159", "A\u001b$(D0!\u001b(BB"), Is.EqualTo("A\uFFFDB"));

    [Test]
    public void FromValue_TrailingSpacePadding_IsIgnored() =>
        Assert.That(DicomCharacterSet.FromValue("ISO_IR 100 ").Terms, Is.EqualTo(new[] { "ISO_IR 100" }));

    [Test]
    public void Of_NoSpecificCharacterSet_IsDefault() =>
        Assert.That(DicomCharacterSet.Of(DicomDataset.Empty), Is.SameAs(DicomCharacterSet.Default));
}
