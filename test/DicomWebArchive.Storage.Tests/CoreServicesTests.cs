using System.Text.Json;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DicomWebArchive.Storage.Tests;

/// <summary>
/// A second front end needs nothing from the Server project: real files are stored, searched, and retrieved as metadata,
/// frames, instances and rendered images through the Core services alone, on a real index of each database and on each
/// blob store (real folders, and Azure Blob Storage through Azurite).
/// </summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.WithEveryIndex))]
public sealed class CoreServicesTests(string provider, string blobProvider)
{
    private static readonly ArchiveCaller Caller = new() { Subject = "dimse:MODALITY1", CorrelationId = "assoc-1" };

    private TempDirectory _temp = null!;
    private TestIndexDatabase? _database;
    private TestBlobStorage? _blobs;
    private IHost? _host;

    [OneTimeSetUp]
    public async Task StartArchive()
    {
        _temp = new TempDirectory();
        _database = await TestIndexDatabase.CreateAsync(provider);
        _blobs = await TestBlobStorage.CreateAsync(blobProvider);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _temp.Path,
            ["Storage:Index:Provider"] = _database.Provider,
            ["Storage:Index:ConnectionString"] = _database.ConnectionString,
            ["Storage:Lifecycle:Enabled"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(_blobs.Settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddArchiveStorage();
        builder.Services.AddArchiveServices();
        _host = builder.Build();
        await _host.StartAsync();
        var store = Service<StoreService>();
        foreach (var name in new[] { "CT_small.dcm", "MR_small.dcm" })
        {
            await using var file = File.OpenRead(PydicomCorpus.File(name));
            var outcome = await store.StoreAsync(Caller, file, null, CancellationToken.None);
            Assert.That(outcome.IsStored, Is.True, outcome.Message);
        }
    }

    [OneTimeTearDown]
    public async Task StopArchive()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        if (_blobs is not null)
        {
            await _blobs.DisposeAsync();
        }
        _temp.Dispose();
    }

    private T Service<T>() where T : notnull => _host!.Services.GetRequiredService<T>();

    private static async Task<(DicomFile File, byte[] Bytes)> ReadCorpusAsync(string name)
    {
        var bytes = await File.ReadAllBytesAsync(PydicomCorpus.File(name));
        return (await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Scan }), bytes);
    }

    private static InstanceScope Scope(DicomFile file) => new(
        file.Dataset.GetAsciiString(DicomTags.StudyInstanceUID)!, file.Dataset.GetAsciiString(DicomTags.SeriesInstanceUID), file.Dataset.GetAsciiString(DicomTags.SOPInstanceUID));

    [Test]
    public async Task Search_PatientId_OneStudyWithItsAggregates()
    {
        var query = new SearchQuery { Level = QueryLevel.Study, Limit = 10, Matches = [new SingleValueMatch(QueryAttributes.PatientId, "1CT1")] };

        var result = await Service<SearchService>().SearchAsync(Caller, query, CancellationToken.None);

        var row = result.Rows.Single().Columns;
        Assert.That((row["PatientID"], row["ModalitiesInStudy"], row["NumberOfStudyRelatedInstances"]), Is.EqualTo(("1CT1", "CT", 1L)));
        Assert.That(result.HasMore, Is.False);
    }

    [Test]
    public async Task Metadata_Instance_StoredJsonWithResolvableBulkDataUri()
    {
        var (file, _) = await ReadCorpusAsync("CT_small.dcm");
        var metadata = Service<MetadataService>();

        string? version = await metadata.GetVersionAsync(Caller, Scope(file), CancellationToken.None);
        var instances = await metadata.FindAsync(Caller, Scope(file), CancellationToken.None);
        using var output = new MemoryStream();
        await MetadataService.WriteJsonAsync(output, instances, "dimse://archive/", CancellationToken.None);

        Assert.That(version, Is.Not.Null);
        using var json = JsonDocument.Parse(output.ToArray());
        var instance = json.RootElement.EnumerateArray().Single();
        Assert.That(instance.GetProperty("00100020").GetProperty("Value")[0].GetString(), Is.EqualTo("1CT1"));
        Assert.That(instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString(), Does.StartWith("dimse://archive/studies/").And.EndWith("/bulkdata/7FE00010"));
    }

    [Test]
    public async Task Frames_CtSmall_FrameBytesAreThePixelData()
    {
        var (file, bytes) = await ReadCorpusAsync("CT_small.dcm");

        var pixels = await Service<RetrieveService>().FindPixelsAsync(Caller, Scope(file), CancellationToken.None);
        using var frame = new MemoryStream();
        await pixels!.Frame(0).CopyToAsync(frame, CancellationToken.None);

        var range = file.PixelData!.Frames[0].Single();
        Assert.That(pixels.FrameCount, Is.EqualTo(1));
        Assert.That(frame.ToArray(), Is.EqualTo(bytes.AsSpan((int)range.Offset, (int)range.Length).ToArray()));
    }

    [Test]
    public async Task Retrieve_Study_StoredBytesWithZeroedPreamble()
    {
        var (file, bytes) = await ReadCorpusAsync("MR_small.dcm");
        var retrieve = Service<RetrieveService>();

        var instances = await retrieve.FindAsync(Caller, new InstanceScope(Scope(file).StudyInstanceUid), CancellationToken.None);
        using var output = new MemoryStream();
        await retrieve.WriteAsync(instances.Single(), TransferSyntax.Lookup(instances[0].TransferSyntaxUid), output, CancellationToken.None);

        Assert.That(output.ToArray().AsSpan(128).SequenceEqual(bytes.AsSpan(128)), Is.True);
        Assert.That(output.ToArray().AsSpan(0, 128).ToArray(), Is.All.Zero);
    }

    [Test]
    public async Task Render_CtSmall_Jpeg()
    {
        var (file, _) = await ReadCorpusAsync("CT_small.dcm");

        var image = await Service<RenderService>().RenderAsync(Caller, Scope(file), 1, new RenderOptions(), CancellationToken.None);

        Assert.That((image!.MediaType, image.Width, image.Height), Is.EqualTo(("image/jpeg", 128, 128)));
        Assert.That(image.Content.AsSpan(0, 2).ToArray(), Is.EqualTo(new byte[] { 0xFF, 0xD8 }));
    }

    [Test]
    public async Task EveryOperation_CallerWithoutAccess_FindsNothing()
    {
        var (file, _) = await ReadCorpusAsync("CT_small.dcm");
        var scope = Scope(file);
        var outsider = Caller with { Access = StudyAccess.OnlyKeys("Another Institution") };
        var query = new SearchQuery { Level = QueryLevel.Instance, Limit = 10 };

        Assert.That((await Service<SearchService>().SearchAsync(outsider, query, CancellationToken.None)).Rows, Is.Empty);
        Assert.That(await Service<MetadataService>().GetVersionAsync(outsider, scope, CancellationToken.None), Is.Null);
        Assert.That(await Service<RetrieveService>().FindAsync(outsider, new InstanceScope(scope.StudyInstanceUid), CancellationToken.None), Is.Empty);
        Assert.That(await Service<RetrieveService>().FindPixelsAsync(outsider, scope, CancellationToken.None), Is.Null);
        Assert.That(await Service<RenderService>().RenderAsync(outsider, scope, 1, new RenderOptions(), CancellationToken.None), Is.Null);
        Assert.That(await Service<RenderService>().RenderThumbnailAsync(outsider, new InstanceScope(scope.StudyInstanceUid), new RenderOptions(), CancellationToken.None), Is.Null);
    }
}
