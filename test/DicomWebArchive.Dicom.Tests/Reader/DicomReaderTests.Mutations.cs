using System.Buffers.Binary;
using System.Diagnostics;

namespace DicomWebArchive.Dicom.Tests.Reader;

// Real files damaged in fixed, seeded ways: the reader either reads them or throws
// DicomFormatException, and never takes long about it.
public sealed partial class DicomReaderTests
{
    private const int MutationsPerFile = 600;

    private static readonly string[] Seeds =
    [
        "test_files/CT_small.dcm",
        "test_files/MR_small.dcm",
        "test_files/MR_small_implicit.dcm",
        "test_files/MR_small_bigendian.dcm",
        "test_files/image_dfl.dcm",
        "test_files/rtplan.dcm",
        "test_files/test-SR.dcm",
        "test_files/JPEG2000.dcm",
        "test_files/SC_rgb_rle_2frame.dcm",
        "test_files/UN_sequence.dcm",
        "test_files/priv_SQ.dcm",
        "test_files/nested_priv_SQ.dcm",
        "test_files/ExplVR_BigEndNoMeta.dcm",
        "test_files/dicomdirtests/DICOMDIR",
        "charset_files/chrH31.dcm",
    ];

    private static IEnumerable<string> MutationSeeds() => Seeds;

    // The first exception of each kind pays for loading its message resources; keep that out of the timings.
    private static async Task WarmUpMutations()
    {
        await DicomReader.ReadAsync(new MemoryStream(Corpus.Bytes(Seeds[0])));
        var deflated = Corpus.Bytes("test_files/image_dfl.dcm");
        deflated.AsSpan(400, 64).Fill(0xFF);
        foreach (var bytes in new[] { deflated, deflated[..300] })
        {
            try
            {
                await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
            }
            catch (DicomFormatException)
            {
            }
        }
    }

    [TestCaseSource(nameof(MutationSeeds))]
    public async Task ReadAsync_MutatedFile_ReadsOrThrowsDicomFormatExceptionQuickly(string name)
    {
        await WarmUpMutations();
        var original = Corpus.Bytes(name);
        var lengthFields = await LengthFieldsOf(original);
        var random = new Random(name.Length * 7919 + original.Length);
        var slowest = TimeSpan.Zero;
        var slowestCase = "";
        int rejected = 0;
        for (int i = 0; i < MutationsPerFile; i++)
        {
            var (mutated, description) = Mutate(original, lengthFields, random);
            var options = new DicomReaderOptions { PixelData = (PixelDataHandling)(i % 3), MaxInlineValueLength = i % 2 == 0 ? 4 << 20 : 1024 };
            var (elapsed, wasRejected) = await TimeRead(mutated, options, $"{name}, mutation {i} ({description})");
            if (elapsed.TotalMilliseconds >= 100)
            {
                // A pause of the shared machine (GC, JIT, another process) is not the reader's cost: a
                // slow input is slow every time, so only a second slow run fails.
                var (again, _) = await TimeRead(mutated, options, description);
                elapsed = again < elapsed ? again : elapsed;
            }
            Assert.That(elapsed.TotalMilliseconds, Is.LessThan(100), $"{name}, mutation {i} ({description})");
            rejected += wasRejected ? 1 : 0;
            if (elapsed > slowest)
            {
                slowest = elapsed;
                slowestCase = $"{i}: {description}";
            }
        }
        Assert.That(rejected, Is.GreaterThan(0), "some mutations must be caught");
        TestContext.Out.WriteLine($"{name}: {rejected}/{MutationsPerFile} rejected, slowest {slowest.TotalMilliseconds:F2} ms ({slowestCase})");
    }

    private static async Task<(TimeSpan Elapsed, bool Rejected)> TimeRead(byte[] bytes, DicomReaderOptions options, string description)
    {
        var stopwatch = Stopwatch.StartNew();
        bool rejected = false;
        try
        {
            await DicomReader.ReadAsync(new MemoryStream(bytes), options);
        }
        catch (DicomFormatException)
        {
            rejected = true;
        }
        catch (Exception e)
        {
            Assert.Fail($"{description}: {e}");
        }
        return (stopwatch.Elapsed, rejected);
    }

    // Where the reader found length fields: the 2 or 4 bytes before each value.
    private static async Task<List<(int Offset, int Size)>> LengthFieldsOf(byte[] bytes)
    {
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        var fields = new List<(int, int)>();
        if (file.TransferSyntax.IsDeflated)
        {
            return fields;
        }
        void Collect(DicomDataset dataset)
        {
            foreach (var element in dataset)
            {
                int size = element.VR.HasLongLength() || !file.TransferSyntax.IsExplicitVR ? 4 : 2;
                fields.Add(((int)element.ValueOffset - size, size));
                foreach (var item in element.Items ?? [])
                {
                    Collect(item);
                }
            }
        }
        Collect(file.Meta);
        Collect(file.Dataset);
        return fields;
    }

    private static (byte[] Bytes, string Description) Mutate(byte[] original, List<(int Offset, int Size)> lengthFields, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }
                return (bytes, $"{flips} bit flips");
            case 1:
                int at = random.Next(bytes.Length);
                int run = Math.Min(random.Next(1, 9), bytes.Length - at);
                byte fill = (byte)(random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => random.Next(256) });
                bytes.AsSpan(at, run).Fill(fill);
                return (bytes, $"{run} bytes at {at} set to {fill:X2}");
            case 2:
                int cut = random.Next(bytes.Length);
                return (bytes[..cut], $"truncated at {cut}");
            default:
                if (lengthFields.Count == 0)
                {
                    goto case 0;
                }
                var (offset, size) = lengthFields[random.Next(lengthFields.Count)];
                uint value = random.Next(6) switch
                {
                    0 => 0xFFFFFFFF,
                    1 => 0xFFFFFFF0,
                    2 => 0x7FFFFFFF,
                    3 => 0,
                    4 => (uint)random.Next(),
                    _ => (uint)random.Next(1, 64),
                };
                if (size == 4 && offset >= 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
                }
                else if (offset >= 0)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)value);
                }
                return (bytes, $"length field at {offset} set to {value:X8}");
        }
    }
}
