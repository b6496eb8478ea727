using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Wado;

namespace DicomWebArchive.Server.Tests.Wado;

public sealed class RetrieveNegotiatorTests
{
    private const string ExplicitLE = "1.2.840.10008.1.2.1";
    private const string Jpeg2000 = "1.2.840.10008.1.2.4.91";

    private static IEnumerable<TestCaseData> InstanceCases()
    {
        // Accept, stored syntax, single instance, expected shape (null = 406), expected sent syntax
        yield return new TestCaseData(null, "1.2.840.10008.1.2", false, RetrieveShape.Multipart, ExplicitLE).SetName("NoAccept_ImplicitStored_ExplicitDefault");
        yield return new TestCaseData("multipart/related; type=\"application/dicom\"; transfer-syntax=*", "1.2.840.10008.1.2.2", false, RetrieveShape.Multipart, "1.2.840.10008.1.2.2").SetName("AnySyntax_BigEndianStored_AsStored");
        yield return new TestCaseData("multipart/related; type=application/dicom", Jpeg2000, false, RetrieveShape.Multipart, Jpeg2000).SetName("NoSyntax_CompressedStored_AsStored");
        yield return new TestCaseData("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1", Jpeg2000, false, null, null).SetName("ExplicitAsked_CompressedStored_406");
        yield return new TestCaseData("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", false, RetrieveShape.Multipart, ExplicitLE).SetName("ExplicitAsked_DeflatedStored_Converted");
        yield return new TestCaseData("application/dicom", ExplicitLE, false, null, null).SetName("SinglePart_Study_406");
        yield return new TestCaseData("application/dicom", ExplicitLE, true, RetrieveShape.SinglePart, ExplicitLE).SetName("SinglePart_Instance_Single");
        yield return new TestCaseData("application/zip", "1.2.840.10008.1.2", false, RetrieveShape.Zip, ExplicitLE).SetName("Zip_Study_Zip");
        yield return new TestCaseData("image/png", ExplicitLE, true, null, null).SetName("RenderedType_406");
        yield return new TestCaseData("multipart/related; type=\"image/jpeg\"", ExplicitLE, true, null, null).SetName("MultipartOfOtherType_406");
        yield return new TestCaseData("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50, multipart/related; type=application/dicom; transfer-syntax=*;q=0.5", Jpeg2000, false, RetrieveShape.Multipart, Jpeg2000).SetName("FirstRangeUnavailable_SecondRangeServed");
        yield return new TestCaseData("*/*", ExplicitLE, true, RetrieveShape.Multipart, ExplicitLE).SetName("Wildcard_DefaultMultipart");
    }

    [TestCaseSource(nameof(InstanceCases))]
    public void NegotiateInstances_Table_ExpectedRepresentation(string? accept, string stored, bool single, object? shape, string? sent)
    {
        var syntax = TransferSyntax.Lookup(stored);

        var result = RetrieveNegotiator.NegotiateInstances(MediaType.ParseAccept(accept), [syntax], single);

        if (shape is null)
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Problem, Is.Not.Empty);
            return;
        }
        Assert.That(result.Value!.Shape, Is.EqualTo(shape), result.Problem);
        Assert.That(result.Value.TargetFor(syntax)!.Uid, Is.EqualTo(sent));
    }

    [Test]
    public void NegotiateInstances_Unavailable_MessageNamesStoredSyntax()
    {
        var result = RetrieveNegotiator.NegotiateInstances(MediaType.ParseAccept("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1"), [TransferSyntax.Lookup(Jpeg2000)], false);

        Assert.That(result.Problem, Does.Contain(Jpeg2000));
    }

    [Test]
    public void NegotiateInstances_OnlySomeConvertible_PartialWithProblem()
    {
        var result = RetrieveNegotiator.NegotiateInstances(
            MediaType.ParseAccept("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1"),
            [TransferSyntax.ImplicitVRLittleEndian, TransferSyntax.Lookup(Jpeg2000)], false);

        Assert.That(result.Value, Is.Not.Null);
        Assert.That(result.Value!.TargetFor(TransferSyntax.ImplicitVRLittleEndian), Is.EqualTo(TransferSyntax.ExplicitVRLittleEndian));
        Assert.That(result.Value.TargetFor(TransferSyntax.Lookup(Jpeg2000)), Is.Null);
        Assert.That(result.Problem, Does.Contain(Jpeg2000));
    }

    private static IEnumerable<TestCaseData> PixelCases()
    {
        yield return new TestCaseData("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", Jpeg2000, RetrieveShape.Multipart, "image/jp2").SetName("OhifAccept_Jpeg2000_StoredCodestream");
        yield return new TestCaseData("multipart/related; type=application/octet-stream; transfer-syntax=*", "1.2.840.10008.1.2.4.50", RetrieveShape.Multipart, "image/jpeg").SetName("OhifAcceptUnquoted_Jpeg_StoredCodestream");
        yield return new TestCaseData("multipart/related; type=application/octet-stream", Jpeg2000, null, null).SetName("OctetStreamNoSyntax_Compressed_406");
        yield return new TestCaseData("multipart/related; type=\"image/dicom-rle\"", "1.2.840.10008.1.2.5", RetrieveShape.Multipart, "image/dicom-rle").SetName("RleType_Rle_Stored");
        yield return new TestCaseData("multipart/related; type=application/octet-stream", "1.2.840.10008.1.2.2", RetrieveShape.Multipart, "application/octet-stream").SetName("OctetStream_BigEndian_Native");
        yield return new TestCaseData("application/octet-stream", ExplicitLE, RetrieveShape.SinglePart, "application/octet-stream").SetName("SinglePart_Native_Single");
        yield return new TestCaseData("image/jp2", Jpeg2000, RetrieveShape.SinglePart, "image/jp2").SetName("SingleCompressed_Jpeg2000_Single");
        yield return new TestCaseData("image/jpeg", Jpeg2000, null, null).SetName("OtherCompressedType_406");
        yield return new TestCaseData("multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50", ExplicitLE, null, null).SetName("CompressionAsked_Native_406");
    }

    [TestCaseSource(nameof(PixelCases))]
    public void NegotiatePixels_Table_ExpectedRepresentation(string accept, string stored, object? shape, string? mediaType)
    {
        var result = RetrieveNegotiator.NegotiatePixels(MediaType.ParseAccept(accept), TransferSyntax.Lookup(stored), singleItem: true);

        if (shape is null)
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Problem, Does.Contain(stored == ExplicitLE ? ExplicitLE : stored));
            return;
        }
        Assert.That((result.Value!.Shape, result.Value.MediaType), Is.EqualTo((shape, mediaType)), result.Problem);
        Assert.That(result.Value.TransferSyntaxUid, Is.EqualTo(TransferSyntax.Lookup(stored).IsEncapsulated ? stored : ExplicitLE));
    }

    [Test]
    public void NegotiatePixels_SinglePartForSeveralFrames_406()
    {
        var result = RetrieveNegotiator.NegotiatePixels(MediaType.ParseAccept("application/octet-stream"), TransferSyntax.ExplicitVRLittleEndian, singleItem: false);

        Assert.That(result.Value, Is.Null);
    }

    [TestCase("application/dicom+json", true)]
    [TestCase("application/json", true)]
    [TestCase("*/*", true)]
    [TestCase("application/*", true)]
    [TestCase("multipart/related; type=\"application/dicom+xml\"", false)]
    [TestCase("application/dicom", false)]
    public void AcceptsDicomJson_Range_Expected(string accept, bool expected)
    {
        Assert.That(DicomXmlMultipart.AcceptsDicomJson(MediaType.ParseAccept(accept)), Is.EqualTo(expected));
    }
}
