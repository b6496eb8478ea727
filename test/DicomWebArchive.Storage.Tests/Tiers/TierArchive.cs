using DicomWebArchive.Core;
using DicomWebArchive.Core.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DicomWebArchive.Storage.Tests.Tiers;

/// <summary>An archive host on a test index and blob store, with a clock the test moves; no background worker runs.</summary>
internal sealed class TierArchive : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private TestIndexDatabase? _index;
    private TestBlobStorage? _blobs;
    private IHost? _host;

    public MovableTime Time { get; } = new(new DateTimeOffset(2024, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public TestBlobStorage Blobs => _blobs!;

    public static async Task<TierArchive> StartAsync(string indexProvider, string blobProvider, params (string Key, string Value)[] settings)
    {
        var archive = new TierArchive();
        try
        {
            archive._index = await TestIndexDatabase.CreateAsync(indexProvider);
            archive._blobs = await TestBlobStorage.CreateAsync(blobProvider);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(
                archive._index.Settings.Concat(archive._blobs.Settings).Concat(settings)
                    .Append(("Storage:DataDirectory", archive._temp.Path))
                    .Select(s => KeyValuePair.Create(s.Item1, (string?)s.Item2)));
            builder.Services.AddSingleton<TimeProvider>(archive.Time);
            builder.Services.AddArchiveStorage();
            builder.Services.AddArchiveServices();
            archive._host = builder.Build();
            await archive._host.StartAsync();
            return archive;
        }
        catch
        {
            await archive.DisposeAsync();
            throw;
        }
    }

    public T Service<T>() where T : notnull => _host!.Services.GetRequiredService<T>();

    /// <summary>Stores a study of <paramref name="series"/> series of <paramref name="instances"/> images each; returns the stored bytes by SOP Instance UID.</summary>
    public async Task<(string Study, Dictionary<string, byte[]> Stored)> StoreStudyAsync(int series, int instances, string modality = "CT", int seed = 0)
    {
        string study = TestDicom.NewUid();
        var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var store = Service<StoreService>();
        for (int s = 0; s < series; s++)
        {
            string seriesUid = TestDicom.NewUid();
            for (int i = 0; i < instances; i++)
            {
                string sop = TestDicom.NewUid();
                var bytes = new TestDicom(study, seriesUid, sop, modality: modality).AddImage(64, 64, 1).ToArrayWithPixelData(64 * 64 * 2, seed + (s * 100) + i);
                var outcome = await store.StoreAsync(ArchiveCaller.System, new MemoryStream(bytes), null, CancellationToken.None);
                Assert.That(outcome.IsStored, Is.True, outcome.Message);
                bytes.AsSpan(0, 128).Clear();
                stored[sop] = bytes;
            }
        }
        return (study, stored);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (_index is not null)
        {
            await _index.DisposeAsync();
        }
        if (_blobs is not null)
        {
            await _blobs.DisposeAsync();
        }
        _temp.Dispose();
    }
}
