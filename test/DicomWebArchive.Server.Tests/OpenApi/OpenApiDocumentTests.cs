using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.OpenApi;

/// <summary>The committed openapi/dicomweb.json is what the server generates; regenerate with DWA_UPDATE_OPENAPI=1.</summary>
public sealed class OpenApiDocumentTests
{
    private static string CommittedPath => Path.Combine(RepositoryPaths.RepositoryRoot, "openapi", "dicomweb.json");

    [Test]
    public async Task SwaggerJson_Generated_EqualsCommittedDocument()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();

        string generated = Normalize(await client.GetStringAsync("/swagger/v1/swagger.json"));

        if (Environment.GetEnvironmentVariable("DWA_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, generated);
        }
        Assert.That(File.Exists(CommittedPath), Is.True, $"{CommittedPath} is missing; run the tests with DWA_UPDATE_OPENAPI=1 to create it.");
        string committed = Normalize(await File.ReadAllTextAsync(CommittedPath));
        Assert.That(generated, Is.EqualTo(committed), () => "openapi/dicomweb.json drifted from the generated document; review and run the tests with DWA_UPDATE_OPENAPI=1 to update it.\n" + FirstDifference(committed, generated));
    }

    [Test]
    public async Task SwaggerUi_Served()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/swagger/index.html");

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
    }

    private static string Normalize(string json) => json.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static string FirstDifference(string committed, string generated)
    {
        var a = committed.Split('\n');
        var b = generated.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "<end>";
            string right = i < b.Length ? b[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}:\n- committed: {left}\n+ generated: {right}";
            }
        }
        return "";
    }
}
