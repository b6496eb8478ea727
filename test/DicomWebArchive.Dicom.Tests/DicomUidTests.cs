using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests;

public sealed class DicomUidTests
{
    [Test]
    public void FromGuid_ImplementationUuid_IsTheImplementationClassUid() =>
        Assert.That(DicomUid.FromGuid(Guid.Parse("192fdb0e-7e85-4fb0-a827-d7423e575cf7")), Is.EqualTo(DicomPart10Writer.ImplementationClassUid));

    [Test]
    public void FromGuid_SmallUuid_HasNoLeadingZeros() =>
        Assert.That(DicomUid.FromGuid(Guid.Parse("00000000-0000-0000-0000-00000000000a")), Is.EqualTo("2.25.10"));

    [Test]
    public void Generate_ManyTimes_ValidAndDistinct()
    {
        var uids = Enumerable.Range(0, 1000).Select(_ => DicomUid.Generate()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(uids.Distinct().Count(), Is.EqualTo(uids.Count));
            Assert.That(uids, Has.All.Match(@"^2\.25\.[1-9][0-9]{0,38}$"));
            Assert.That(uids.Max(u => u.Length), Is.LessThanOrEqualTo(64));
        });
    }

    [TestCase("1.2.840.10008.5.1.4.1.1.2")]
    [TestCase("0")]
    [TestCase("1.0.3")]
    [TestCase("2.25.329800735698586629295641978511506172918")]
    public void IsValid_WellFormedUid_True(string uid) => Assert.That(DicomUid.IsValid(uid), Is.True);

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
    public void IsValid_Malformed_False(string uid) => Assert.That(DicomUid.IsValid(uid), Is.False);

    [Test]
    public void IsValid_SixtyFourCharacters_True() => Assert.That(DicomUid.IsValid("1." + new string('2', 62)), Is.True);

    [Test]
    public void IsValid_SixtyFiveCharacters_False() => Assert.That(DicomUid.IsValid("1." + new string('2', 63)), Is.False);

    [TestCase("1.2.246.352.91.0000217.2005")]
    [TestCase("1.02.3")]
    [TestCase("00.1")]
    [TestCase("1.2.840.10008.5.1.4.1.1.2")]
    public void IsKey_ValidOrLeadingZeros_True(string uid) => Assert.That(DicomUid.IsKey(uid), Is.True);

    [TestCase("", UidProblem.Empty)]
    [TestCase("1.2.", UidProblem.EmptyComponent)]
    [TestCase("1..2", UidProblem.EmptyComponent)]
    [TestCase(".1", UidProblem.EmptyComponent)]
    [TestCase("1.02.3a", UidProblem.NotDigitsAndDots)]
    [TestCase("1.02..3", UidProblem.EmptyComponent)]
    [TestCase("1.2.3 ", UidProblem.NotDigitsAndDots)]
    [TestCase("1.2\\1.3", UidProblem.NotDigitsAndDots)]
    [TestCase("../../etc/passwd", UidProblem.NotDigitsAndDots)]
    public void IsKey_UnusableAsKey_FalseWithTheProblem(string uid, UidProblem problem)
    {
        Assert.That(DicomUid.IsKey(uid), Is.False);
        Assert.That(DicomUid.Check(uid), Is.EqualTo(problem));
    }

    [Test]
    public void Check_SixtyFiveCharactersWithLeadingZeros_TooLong() =>
        Assert.That(DicomUid.Check("1.0" + new string('2', 62)), Is.EqualTo(UidProblem.TooLong));

    [Test]
    public void Check_LeadingZeroOnly_LeadingZeroAndNotValid()
    {
        Assert.That(DicomUid.Check("1.2.246.352.91.0000217"), Is.EqualTo(UidProblem.LeadingZero));
        Assert.That(DicomUid.IsValid("1.2.246.352.91.0000217"), Is.False);
    }
}
