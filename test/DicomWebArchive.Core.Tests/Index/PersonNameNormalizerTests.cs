using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core.Tests.Index;

public sealed class PersonNameNormalizerTests
{
    [TestCase("Müller^Zoë", "MULLER^ZOE")]
    [TestCase("o'brien^seán", "O'BRIEN^SEAN")]
    [TestCase("Straße^Jürgen", "STRASSE^JURGEN")]
    [TestCase("Łukasz^Ørsted", "LUKASZ^ORSTED")]
    [TestCase("Œdipe^Ærø", "OEDIPE^AERO")]
    [TestCase("Dvořák^Antonín", "DVORAK^ANTONIN")]
    [TestCase("Çelik^Ayşe", "CELIK^AYSE")]
    [TestCase("Wang^XiaoDong=王^小東=", "WANG^XIAODONG=王^小東=")]
    [TestCase("Hong^Gildong=洪^吉洞=홍^길동", "HONG^GILDONG=洪^吉洞=홍^길동")]
    [TestCase("Διονυσιος", "ΔΙΟΝΥΣΙΟΣ")]
    [TestCase("DOE^JOHN^^DR", "DOE^JOHN^^DR")]
    public void Normalize_Name_UpperCaseWithoutAccents(string name, string expected) =>
        Assert.That(PersonNameNormalizer.Normalize(name), Is.EqualTo(expected));

    [TestCase(null)]
    [TestCase("")]
    public void Normalize_Empty_Unchanged(string? name) => Assert.That(PersonNameNormalizer.Normalize(name), Is.EqualTo(name));
}
