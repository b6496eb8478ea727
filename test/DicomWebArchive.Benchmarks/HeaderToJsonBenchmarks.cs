using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Benchmarks;

/// <summary>
/// The STOW ingest path for one instance: parse the header of a 512×512 16-bit CT (stop at Pixel Data)
/// and write its DICOM JSON with a BulkDataURI for the pixels. Goal: under 30 µs and 20 KB per instance.
/// </summary>
[MemoryDiagnoser]
public class HeaderToJsonBenchmarks
{
    private static readonly DicomReaderOptions StopAtPixels = new() { PixelData = PixelDataHandling.Stop };

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly DicomJsonOptions _json = new() { BulkDataUri = reference => reference.Tag == DicomTags.PixelData ? "bulk/pixeldata" : null };
    private byte[] _file = [];
    private DicomDataset _header = DicomDataset.Empty;
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var stream = new MemoryStream();
        DicomPart10Writer.Write(stream, SyntheticCt.Create(), TransferSyntax.ExplicitVRLittleEndian);
        _file = stream.ToArray();
        _writer = new Utf8JsonWriter(_output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _header = ParseHeader().Dataset;
    }

    [Benchmark(Baseline = true)]
    public int ParseHeaderAndWriteJson()
    {
        var file = ParseHeader();
        return WriteJson(file.Dataset);
    }

    [Benchmark]
    public DicomFile ParseHeaderOnly() => ParseHeader();

    [Benchmark]
    public int WriteJsonOnly() => WriteJson(_header);

    private DicomFile ParseHeader()
    {
        var read = DicomReader.ReadAsync(new MemoryStream(_file, writable: false), StopAtPixels);
        return read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
    }

    private int WriteJson(DicomDataset dataset)
    {
        _output.ResetWrittenCount();
        _writer.Reset(_output);
        DicomJsonWriter.WriteDataset(_writer, dataset, _json);
        _writer.Flush();
        return _output.WrittenCount;
    }
}
