using DicomWebArchive.Core.Store;

namespace DicomWebArchive.Core.Tests.Store;

public sealed class UidSyntaxTests
{
    [TestCase("1.2.840.10008.5.1.4.1.1.2")]
    [TestCase("0")]
    [TestCase("1.0.3")]
    [TestCase("2.25.329800735698586629295641978511506172918")]
    public void IsValid_WellFormedUid_True(string uid) => Assert.That(UidSyntax.IsValid(uid), Is.True);

    [TestCase("")]
    [TestCase("1.2.")]
    [TestCase(".1.2")]
    [TestCase("1..2")]
    [TestCase("1.02.3")]
    [TestCase("1.2.3a")]
    [TestCase("1.2.3 ")]
    [TestCase("1.2.3\0")]
    [TestCase("../../etc/passwd")]
    [TestCase("1.2/../3")]
    [TestCase("1.2.٣")]
    public void IsValid_Malformed_False(string uid) => Assert.That(UidSyntax.IsValid(uid), Is.False);

    [Test]
    public void IsValid_SixtyFourCharacters_True() => Assert.That(UidSyntax.IsValid("1." + new string('2', 62)), Is.True);

    [Test]
    public void IsValid_SixtyFiveCharacters_False() => Assert.That(UidSyntax.IsValid("1." + new string('2', 63)), Is.False);
}
