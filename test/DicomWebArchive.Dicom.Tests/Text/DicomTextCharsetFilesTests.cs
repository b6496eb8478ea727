using System.Text.Json.Nodes;
using DicomWebArchive.Dicom.Tests.Reader;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Tests.Text;

/// <summary>Every Person Name of pydicom's charset_files, sequence items included, decoded by us and by pydicom.</summary>
public sealed class DicomTextCharsetFilesTests
{
    private static IEnumerable<string> CharsetFiles() =>
        Corpus.ValidFiles().Where(name => name.StartsWith("charset_files/", StringComparison.Ordinal));

    [TestCaseSource(nameof(CharsetFiles))]
    public async Task GetPersonNames_CharsetFile_EqualPydicom(string name)
    {
        var path = Corpus.PathOf(name);
        DicomFile file;
        await using (var stream = File.OpenRead(path))
        {
            file = await DicomReader.ReadAsync(stream);
        }
        var ours = new JsonArray();
        Collect(file.Dataset, ours);
        var entry = PydicomJsonOracle.For(path);
        Assert.That(entry["error"], Is.Null);
        var theirs = entry["names"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(ours, Is.Not.Empty, "every charset file holds a Person Name");
            Assert.That(ours.ToJsonString(), Is.EqualTo(theirs.ToJsonString()));
        });
    }

    [Test]
    public async Task GetPersonName_SequenceItemsWithOwnAndInheritedCharset_DecodeJapanese()
    {
        foreach (var name in new[] { "charset_files/chrSQEncoding.dcm", "charset_files/chrSQEncoding1.dcm" })
        {
            await using var stream = File.OpenRead(Corpus.PathOf(name));
            var file = await DicomReader.ReadAsync(stream);
            var item = file.Dataset.First(e => e.Items is { Count: > 0 }).Items![0];
            Assert.That(item.GetPersonName(DicomTags.PatientName), Is.EqualTo(new DicomPersonName("ﾔﾏﾀﾞ^ﾀﾛｳ", "山田^太郎", "やまだ^たろう")), name);
        }
    }

    /// <summary>[tag, [whole, alphabetic, ideographic, phonetic] per value] for each PN, depth first in file order, like pydicom's iterall.</summary>
    private static void Collect(DicomDataset dataset, JsonArray names)
    {
        foreach (var element in dataset)
        {
            if (element.VR == DicomVR.PN)
            {
                var record = new JsonArray(element.Tag.ToString());
                foreach (var value in DicomText.GetStrings(dataset, element))
                {
                    var parsed = DicomPersonName.Parse(value);
                    record.Add(new JsonArray(parsed.ToString(), parsed.Alphabetic, parsed.Ideographic, parsed.Phonetic));
                }
                names.Add(record);
            }
            foreach (var item in element.Items ?? [])
            {
                Collect(item, names);
            }
        }
    }
}
