using DicomWebArchive.Core;
using DicomWebArchive.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace DicomWebArchive.Server.Tests.Deploy;

/// <summary>
/// The compose files of deploy/, read as docker compose reads them (no Docker engine runs here): the services a site
/// needs, settings the server really has and accepts, start-up order through health checks, the proxy over every
/// replica, and secrets that come from the environment.
/// </summary>
[TestFixtureSource(nameof(Files))]
public sealed class ComposeFileTests(string file, string provider)
{
    private static readonly object[] Files =
    [
        new object[] { "docker-compose.postgres.yml", "PostgreSql" },
        new object[] { "docker-compose.sqlserver.yml", "SqlServer" },
    ];

    /// <summary>What a site exports before `docker compose up` (every ${NAME:?…} of the files needs a value here).</summary>
    private static readonly Dictionary<string, string> SiteVariables = new()
    {
        ["POSTGRES_PASSWORD"] = "db-secret-1",
        ["MSSQL_SA_PASSWORD"] = "Sa-secret-2",
        ["ARCHIVE_DB_PASSWORD"] = "Archive-secret-3",
        ["AUTH_AUTHORITY"] = "https://login.example.org/realms/hospital",
        ["AUTH_AUDIENCE"] = "dicomweb",
    };

    /// <summary>Variables read by ASP.NET Core and OpenTelemetry themselves rather than bound to an options class.</summary>
    private static readonly string[] HostVariables =
    [
        "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "ASPNETCORE_FORWARDEDHEADERS_ENABLED", "Logging__Console__FormatterName",
        Telemetry.OtlpEndpointSetting, "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME",
    ];

    /// <summary>
    /// Settings of the Azure blob store, which the tiered storage work adds under exactly these names; once its options
    /// class is in, reflection finds them and this list can go.
    /// </summary>
    private static readonly string[] AzureBlobSettings = ["Storage:Blobs:Provider", "Storage:Blobs:Azure:ConnectionString", "Storage:Blobs:Azure:Container"];

    private Dictionary<object, object> _compose = null!;

    [OneTimeSetUp]
    public void Load() => _compose = DeploymentFiles.LoadCompose(file);

    [Test]
    public void Services_ArchiveSetup_TwoReplicasMigrationDatabaseBlobStoreProxy()
    {
        var services = DeploymentFiles.Services(_compose).Keys.Cast<string>().ToList();

        Assert.That(services, Is.SupersetOf(new[] { "db", "azurite", "migrate", "archive-1", "archive-2", "proxy" }));
        Assert.That(DeploymentFiles.ArchiveServices(_compose), Is.EquivalentTo(new[] { "migrate", "archive-1", "archive-2" }));
        foreach (var name in services)
        {
            var image = DeploymentFiles.Service(_compose, name)["image"] as string;
            Assert.That(image, Does.Match(@"^[a-z0-9./-]+:[A-Za-z0-9._-]+$"), $"{name} names an image with a tag");
        }
        foreach (var name in DeploymentFiles.ArchiveServices(_compose))
        {
            var build = DeploymentFiles.Map(DeploymentFiles.Service(_compose, name)["build"], $"{name}.build");
            string context = Path.GetFullPath(Path.Combine(DeploymentFiles.Directory, (string)build["context"]));
            Assert.That(context, Is.EqualTo(RepositoryPaths.RepositoryRoot), $"{name} builds from the repository root");
            Assert.That(File.Exists(Path.Combine(context, (string)build["dockerfile"])), Is.True, $"{name}'s Dockerfile exists");
        }
    }

    [Test]
    public void ArchiveEnvironment_EveryName_IsASettingTheServerReads()
    {
        var settings = DeploymentFiles.SettingNames();
        Assert.That(settings, Does.Contain("Storage:Index:ConnectionString").And.Contain("Auth:Authority"), "reflection finds the options");

        foreach (var service in DeploymentFiles.ArchiveServices(_compose))
        {
            foreach (var name in DeploymentFiles.Environment(DeploymentFiles.Service(_compose, service)).Keys)
            {
                string setting = name.Replace("__", ":", StringComparison.Ordinal);
                Assert.That(settings.Contains(setting) || HostVariables.Contains(name) || AzureBlobSettings.Contains(setting), Is.True,
                    $"{service}: {name} is not a setting of the server ({file})");
            }
        }
    }

    [Test]
    public void ArchiveEnvironment_AsASiteSetsIt_PassesTheServersStartUpValidation()
    {
        foreach (var service in DeploymentFiles.ArchiveServices(_compose))
        {
            var configuration = Configuration(service);
            foreach (var type in DeploymentFiles.OptionsTypes())
            {
                string section = (string)type.GetProperty("Section")!.GetValue(null)!;
                var options = (IArchiveOptions)(configuration.GetSection(section).Get(type) ?? Activator.CreateInstance(type)!);
                Assert.That(options.Validate(), Is.Empty, $"{service}: {section}");
            }
            Assert.That(configuration["Storage:Index:Provider"], Is.EqualTo(provider));
            Assert.That(configuration["Storage:Blobs:Provider"], Is.EqualTo("Azure"));
            Assert.That(configuration["Storage:Blobs:Azure:ConnectionString"], Does.Contain("BlobEndpoint=http://azurite:10000/"));
            Assert.That(configuration["Storage:Blobs:Azure:Container"], Does.Match("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$"), "an Azure container name");
        }
    }

    [Test]
    public void ArchiveEnvironment_Replicas_ConfiguredAlike()
    {
        var first = DeploymentFiles.Environment(DeploymentFiles.Service(_compose, "archive-1"));

        Assert.That(DeploymentFiles.Environment(DeploymentFiles.Service(_compose, "archive-2")), Is.EqualTo(first));
        Assert.That(DeploymentFiles.Environment(DeploymentFiles.Service(_compose, "migrate")), Is.EqualTo(first));
    }

    [Test]
    public void Secrets_Passwords_ComeFromTheEnvironment()
    {
        foreach (var variable in DeploymentFiles.RequiredVariables(file))
        {
            Assert.That(SiteVariables, Does.ContainKey(variable));
            Assert.That(File.ReadAllText(DeploymentFiles.PathOf("README.md")), Does.Contain(variable), $"deploy/README.md explains {variable}");
        }
        foreach (var (service, value) in DeploymentFiles.Services(_compose).Keys.Cast<string>()
            .SelectMany(s => DeploymentFiles.Environment(DeploymentFiles.Service(_compose, s)).Select(e => (s, e.Value))))
        {
            foreach (var password in System.Text.RegularExpressions.Regex.Matches(value, @"Password=([^;]*)").Select(m => m.Groups[1].Value))
            {
                Assert.That(password, Does.StartWith("${"), $"{service}: a password in the file");
            }
        }
    }

    [Test]
    public void DependsOn_Replicas_WaitForHealthyDatabaseBlobStoreAndMigration()
    {
        var services = DeploymentFiles.Services(_compose);
        foreach (var (name, node) in services.Select(s => ((string)s.Key, DeploymentFiles.Map(s.Value, (string)s.Key))))
        {
            foreach (var (target, condition) in DependsOn(node))
            {
                Assert.That(services, Does.ContainKey(target), $"{name} depends on a service that is not there");
                if (condition == "service_healthy")
                {
                    Assert.That(HealthCheck(DeploymentFiles.Service(_compose, target)), Is.Not.Null, $"{name} waits for {target} to be healthy, which has no health check");
                }
            }
        }
        foreach (var replica in new[] { "archive-1", "archive-2" })
        {
            Assert.That(DependsOn(DeploymentFiles.Service(_compose, replica)), Is.SupersetOf(new[]
            {
                ("db", "service_healthy"), ("azurite", "service_healthy"), ("migrate", "service_completed_successfully"),
            }));
        }
        var migrate = DeploymentFiles.Service(_compose, "migrate");
        Assert.That(migrate["command"], Is.EqualTo(new List<object> { "migrate" }));
        Assert.That(migrate["restart"], Is.EqualTo("no"));
        Assert.That(DependsOn(DeploymentFiles.Service(_compose, "proxy")), Is.SupersetOf(new[] { ("archive-1", "service_healthy"), ("archive-2", "service_healthy") }));
    }

    [Test]
    public async Task HealthCheck_Replica_AsksReadinessAndPassesAgainstARealServer()
    {
        var test = HealthCheck(DeploymentFiles.Service(_compose, "archive-1"))!;
        Assert.That(test[0], Is.EqualTo("CMD"));
        Assert.That(string.Join(' ', test), Does.Contain("/dev/tcp/127.0.0.1/8080").And.Contain("/health/ready"));

        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false");
        Assert.That(await ShellCommand.RunAsync(test[1..], server.BaseAddress.Port), Is.Zero, "the check passes while the server is ready");
        server.Kill();
        Assert.That(await ShellCommand.RunAsync(test[1..], server.BaseAddress.Port), Is.Not.Zero, "and fails once it is gone");
    }

    [Test]
    public void Proxy_NginxConfiguration_SpreadsOverEveryReplicaOnItsPort()
    {
        var proxy = DeploymentFiles.Service(_compose, "proxy");
        var mount = ((List<object>)proxy["volumes"]).Cast<string>().Single(v => v.Contains("nginx", StringComparison.Ordinal)).Split(':');
        string configuration = File.ReadAllText(Path.Combine(DeploymentFiles.Directory, mount[0]));

        foreach (var replica in DeploymentFiles.ArchiveServices(_compose).Where(s => s.StartsWith("archive-", StringComparison.Ordinal)))
        {
            Assert.That(configuration, Does.Contain($"server {replica}:8080;"));
        }
        Assert.That(configuration, Does.Contain("client_max_body_size 0;").And.Contain("proxy_request_buffering off;").And.Contain("X-Correlation-ID"));
        Assert.That(proxy["ports"], Is.EqualTo(new List<object> { "8080:8080" }));
        Assert.That(HealthCheck(DeploymentFiles.Service(_compose, "db")), Is.Not.Null);
        Assert.That(HealthCheck(DeploymentFiles.Service(_compose, "azurite")), Is.Not.Null);
    }

    private IConfiguration Configuration(string service) => new ConfigurationBuilder()
        .AddInMemoryCollection(DeploymentFiles.Environment(DeploymentFiles.Service(_compose, service))
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)DeploymentFiles.Interpolate(e.Value, SiteVariables))))
        .Build();

    private static List<(string Service, string Condition)> DependsOn(Dictionary<object, object> service) =>
        service.TryGetValue("depends_on", out var depends)
            ? DeploymentFiles.Map(depends, "depends_on").Select(d => ((string)d.Key, (string)DeploymentFiles.Map(d.Value, (string)d.Key)["condition"])).ToList()
            : [];

    private static string[]? HealthCheck(Dictionary<object, object> service) =>
        service.TryGetValue("healthcheck", out var check) && DeploymentFiles.Map(check, "healthcheck").TryGetValue("test", out var test)
            ? ((List<object>)test).Cast<string>().ToArray()
            : null;
}
