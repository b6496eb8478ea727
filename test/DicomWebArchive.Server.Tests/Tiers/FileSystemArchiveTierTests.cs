using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Tiers;

/// <summary>The default filesystem store has no archive root: archiving is refused, naming the setting that would allow it.</summary>
public sealed class FileSystemArchiveTierTests
{
    [Test]
    public async Task PutTier_ArchiveWithoutArchiveRoot_400NamingTheSetting()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();
        string study = TestDicom.NewUid();
        var stored = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(study, TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(stored.Status, Is.EqualTo(200));

        using var response = await client.PutAsync($"/api/storage/studies/{study}/tier", new StringContent("{\"tier\":\"Archive\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Storage:Blobs:ArchiveRoot"));
    }
}
