namespace DicomWebArchive.Dicom.Tests;

public sealed class TransferSyntaxTests
{
    private static IEnumerable<TestCaseData> RegisteredSyntaxes()
    {
        using var stream = typeof(TransferSyntax).Assembly.GetManifestResourceStream("DicomWebArchive.Dicom.uids.tsv")!;
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var cases = new List<TestCaseData>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var fields = line.Split('\t');
            if (fields[2] == "Transfer Syntax")
            {
                cases.Add(new TestCaseData(fields[0], fields[1], fields[4] == "Retired").SetArgDisplayNames(fields[0]));
            }
        }
        return cases;
    }

    [TestCaseSource(nameof(RegisteredSyntaxes))]
    public void TryLookup_EveryTransferSyntaxOfPS36_Known(string uid, string name, bool retired)
    {
        Assert.That(TransferSyntax.TryLookup(uid, out var syntax), Is.True);
        Assert.That(syntax!.Name, Is.EqualTo(name));
        Assert.That(syntax.IsRetired, Is.EqualTo(retired));
        Assert.That(syntax.IsKnown, Is.True);
    }

    [TestCase("1.2.840.10008.1.2", false, false, false, false, false)]
    [TestCase("1.2.840.10008.1.2.1", true, false, false, false, false)]
    [TestCase("1.2.840.10008.1.2.1.99", true, false, true, false, false)]
    [TestCase("1.2.840.10008.1.2.2", true, true, false, false, false)]
    [TestCase("1.2.840.10008.1.2.1.98", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.50", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.57", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.70", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.80", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.81", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.90", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.91", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.201", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.202", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.203", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.110", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.111", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.112", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.4.102", true, false, false, true, true)]
    [TestCase("1.2.840.10008.1.2.5", true, false, false, true, false)]
    [TestCase("1.2.840.10008.1.2.4.95", true, false, true, false, false)]
    public void Lookup_KnownUid_HasEncoding(string uid, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated, bool lossy)
    {
        var syntax = TransferSyntax.Lookup(uid);
        Assert.That(syntax.IsKnown, Is.True);
        Assert.That(syntax.IsExplicitVR, Is.EqualTo(explicitVR));
        Assert.That(syntax.IsBigEndian, Is.EqualTo(bigEndian));
        Assert.That(syntax.IsDeflated, Is.EqualTo(deflated));
        Assert.That(syntax.IsEncapsulated, Is.EqualTo(encapsulated));
        Assert.That(syntax.IsLossy, Is.EqualTo(lossy));
    }

    [Test]
    public void Lookup_WellKnownUids_GiveTheStaticInstances()
    {
        Assert.That(TransferSyntax.Lookup("1.2.840.10008.1.2"), Is.SameAs(TransferSyntax.ImplicitVRLittleEndian));
        Assert.That(TransferSyntax.Lookup("1.2.840.10008.1.2.1.99"), Is.SameAs(TransferSyntax.DeflatedExplicitVRLittleEndian));
        Assert.That(TransferSyntax.Lookup("1.2.840.10008.1.2.2"), Is.SameAs(TransferSyntax.ExplicitVRBigEndian));
        Assert.That(TransferSyntax.Lookup("1.2.840.10008.1.2.4.203"), Is.SameAs(TransferSyntax.HTJ2K));
    }

    [Test]
    public void Lookup_PaddedUid_FindsTheSyntax() =>
        Assert.That(TransferSyntax.Lookup("1.2.840.10008.1.2.1\0"), Is.SameAs(TransferSyntax.ExplicitVRLittleEndian));

    [Test]
    public void Lookup_UnknownUid_ExplicitLittleEndianMarkedUnknown()
    {
        Assert.That(TransferSyntax.TryLookup("1.2.3.4.5", out _), Is.False);
        var syntax = TransferSyntax.Lookup("1.2.3.4.5");
        Assert.That(syntax.IsKnown, Is.False);
        Assert.That(syntax.Uid, Is.EqualTo("1.2.3.4.5"));
        Assert.That(syntax.IsExplicitVR, Is.True);
        Assert.That(syntax.IsBigEndian, Is.False);
        Assert.That(syntax.IsDeflated, Is.False);
        Assert.That(syntax.IsEncapsulated, Is.True);
    }

    [Test]
    public void All_HoldsTheNewerSyntaxesNotInTheTable() =>
        Assert.That(TransferSyntax.All.Select(s => s.Uid), Is.SupersetOf(new[]
        {
            "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203",
            "1.2.840.10008.1.2.4.110", "1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.112",
        }));
}
