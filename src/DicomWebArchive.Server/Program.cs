using DicomWebArchive.Core;
using DicomWebArchive.Server.Health;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Management;
using DicomWebArchive.Server.Qido;
using DicomWebArchive.Server.Rendering;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Server.Tiers;
using DicomWebArchive.Server.Stow;
using DicomWebArchive.Server.Viewer;
using DicomWebArchive.Server.Wado;
using DicomWebArchive.Storage;
using Microsoft.OpenApi;

// Commands besides serving: "token" mints a development token; "migrate", "rebuild-index", "backup" and "restore" act on
// the configured storage and exit (see MaintenanceCommands). Settings are read once at start-up: no watcher on the
// content root, which would otherwise follow every folder of a data directory below it.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args is ["token", ..] ? args[1..] : MaintenanceCommands.Settings(args)]);
if (args is ["token", .. var tokenArguments])
{
    return DevelopmentTokens.Run(tokenArguments, builder.Configuration, Console.Out, Console.Error);
}

if (!MaintenanceCommands.IsRequested(args) && ArchiveAuthentication.RefusalReason(builder.Configuration) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 1;
}

builder.AddServerOptions();
builder.AddArchiveTelemetry();
builder.AddArchiveAuth();
builder.Services.AddArchiveStorage();
builder.Services.AddArchiveServices();
builder.Services.AddSingleton<MetadataCache>();
builder.Services.AddHostedService<OrphanSweeperService>();
builder.Services.AddHostedService<AuditFlushService>();
builder.Services.AddHostedService<TieringService>();
builder.Services.AddSingleton<OperationSignal>();
builder.Services.AddHostedService<PurgeService>();
builder.Services.AddHostedService<OperationRunnerService>();
builder.Services.AddArchiveHealthChecks();
builder.Services.AddArchiveCors(builder.Configuration);
builder.Services.AddArchiveHardening(builder.Configuration);
builder.Services.AddProblemDetails();
// A body that does not bind (malformed JSON) is a 400 in every environment, never an exception.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(swagger =>
{
    swagger.OperationFilter<StowRequestBodyFilter>();
    swagger.OperationFilter<RenderedParametersFilter>();
    swagger.OperationFilter<DicomDirParameterFilter>();
    swagger.OperationFilter<SecurityOperationFilter>();
    swagger.AddSecurityDefinition(SecurityOperationFilter.SchemeName, SecurityOperationFilter.Scheme);
    swagger.SwaggerDoc("v1", new OpenApiInfo
    {
        Title = "DicomWebArchive",
        Version = "v1",
        Description = "DICOMweb archive: STOW-RS, QIDO-RS and WADO-RS (PS3.18).",
    });
});

var app = builder.Build();
if (MaintenanceCommands.IsRequested(args))
{
    return await MaintenanceCommands.RunAsync(args, app.Services);
}
app.WarnWhenAnonymous();

app.UseCorrelationScope();
// Unexpected exceptions become a 500 problem body with no detail; the process keeps serving.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();
// A link in the path (/links/{token}/dicomweb/...) moves to the path base before routing sees the path.
app.UseLinkPaths();
app.UseRouting();
app.UseMiddleware<RequestMetrics>();
app.UseCors();
app.UseAuthentication();
app.UseRateLimiter();
app.UseArchiveCaller();
app.UseMiddleware<AuditMiddleware>();
app.UseAuthorization();

app.UseSwagger();
app.UseSwaggerUI();

var dicomWeb = app.MapGroup(app.Configuration.DicomWebBasePath());
var writes = dicomWeb.MapGroup("").RequireAuthorization(Scopes.Write);
writes.MapStow();
writes.MapBulkUpdate();
dicomWeb.MapGroup("").RequireAuthorization(Scopes.Delete).MapDelete();
var reads = dicomWeb.MapGroup("").RequireAuthorization(Scopes.Read).AddEndpointFilter<StorageUnavailableFilter>();
reads.MapQido();
reads.MapWado();
reads.MapRendered();
reads.MapChangeFeed();
reads.MapOperations();
app.MapGroup("").RequireAuthorization(Scopes.Read).AddEndpointFilter<StorageUnavailableFilter>().MapWadoUri();
app.MapLinks();
app.MapAudit();
app.MapRestore();
app.MapStorage();
app.MapStorageVerification();
app.MapHealth();
app.MapMetrics();
app.MapViewer();

await app.RunAsync();
return 0;

public partial class Program;
