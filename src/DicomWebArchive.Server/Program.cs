using DicomWebArchive.Core;
using DicomWebArchive.Server.Health;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Qido;
using DicomWebArchive.Server.Rendering;
using DicomWebArchive.Server.Stow;
using DicomWebArchive.Server.Wado;
using DicomWebArchive.Storage;
using Microsoft.OpenApi;

var builder = WebApplication.CreateBuilder(MigrateCommand.Settings(args));

builder.AddServerOptions();
builder.Services.AddArchiveStorage();
builder.Services.AddArchiveServices();
builder.Services.AddSingleton<IStudyAccessPolicy, AllStudies>();
builder.Services.AddSingleton<MetadataCache>();
builder.Services.AddHostedService<OrphanSweeperService>();
builder.Services.AddArchiveHealthChecks();
builder.Services.AddArchiveCors(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(swagger =>
{
    swagger.OperationFilter<StowRequestBodyFilter>();
    swagger.OperationFilter<RenderedParametersFilter>();
    swagger.OperationFilter<DicomDirParameterFilter>();
    swagger.SwaggerDoc("v1", new OpenApiInfo
    {
        Title = "DicomWebArchive",
        Version = "v1",
        Description = "DICOMweb archive: STOW-RS, QIDO-RS and WADO-RS (PS3.18).",
    });
});

var app = builder.Build();
if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(app.Services);
}

// Unexpected exceptions become a 500 problem body; the process keeps serving.
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseArchiveCaller();

app.UseSwagger();
app.UseSwaggerUI();

var dicomWeb = app.MapGroup(app.Configuration.DicomWebBasePath());
dicomWeb.MapStow();
dicomWeb.MapQido();
dicomWeb.MapWado();
dicomWeb.MapRendered();
app.MapWadoUri();
app.MapHealth();

await app.RunAsync();
return 0;

public partial class Program;
