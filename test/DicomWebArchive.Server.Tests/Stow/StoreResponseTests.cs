using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Stow;

namespace DicomWebArchive.Server.Tests.Stow;

public sealed class StoreResponseTests
{
    [TestCase(null, "Json")]
    [TestCase("*/*", "Json")]
    [TestCase("application/dicom+json", "Json")]
    [TestCase("application/dicom+xml", "Xml")]
    [TestCase("multipart/related; type=application/dicom+xml", "Xml")]
    [TestCase("application/dicom+xml;q=0.4, application/dicom+json;q=0.9", "Json")]
    [TestCase("image/png, application/dicom+xml;q=0.2", "Xml")]
    [TestCase("image/png", null)]
    [TestCase("application/dicom+json;q=0", null)]
    public void Negotiate_Accept_Format(string? accept, string? expected) =>
        Assert.That(StoreResponse.Negotiate(accept)?.ToString(), Is.EqualTo(expected));

    private static readonly StoreOutcome Stored = new() { SopInstanceUid = "1.2", StudyInstanceUid = "1", SeriesInstanceUid = "1.1", SopClassUid = "1.3" };

    private static StoreOutcome Failed(ushort reason) => new() { FailureReason = reason };

    private static IEnumerable<TestCaseData> Outcomes()
    {
        yield return new TestCaseData(new[] { Stored }, 200).SetArgDisplayNames("all-stored");
        yield return new TestCaseData(new[] { Stored with { WarningReason = 0xB000 } }, 202).SetArgDisplayNames("stored-with-warning");
        yield return new TestCaseData(new[] { Stored, Failed(StoreFailureReason.CannotUnderstand) }, 202).SetArgDisplayNames("some-failed");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.CannotUnderstand) }, 400).SetArgDisplayNames("all-malformed");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.CannotUnderstand), Failed(StoreFailureReason.StudyInstanceUidMismatch) }, 409).SetArgDisplayNames("malformed-and-refused");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.TransferSyntaxNotSupported) }, 409).SetArgDisplayNames("unsupported-syntax");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.DuplicateSopInstance) }, 409).SetArgDisplayNames("duplicate");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.OutOfResources), Failed(StoreFailureReason.OutOfResources) }, 503).SetArgDisplayNames("blob-store-unavailable");
        yield return new TestCaseData(new[] { Failed(StoreFailureReason.OutOfResources), Failed(StoreFailureReason.DuplicateSopInstance) }, 409).SetArgDisplayNames("unavailable-and-refused");
    }

    [TestCaseSource(nameof(Outcomes))]
    public void StatusCode_Outcomes_PerPs318(StoreOutcome[] outcomes, int expected) =>
        Assert.That(new StoreResponse(outcomes, null, "http://host/dicomweb", StoreResponseFormat.Json).StatusCode, Is.EqualTo(expected));
}
