using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Common;

/// <summary>What every command needs to talk to a DICOMweb server.</summary>
internal class ServerSettings : CommandSettings
{
    public const string TokenVariable = "DICOMWEB_TOKEN";

    [CommandArgument(0, "<URL>")]
    [Description("DICOMweb root, e.g. http://localhost:8080/dicomweb or http://localhost:8042/dicom-web")]
    public string Url { get; set; } = "";

    [CommandOption("--token <TOKEN>")]
    [Description("Bearer token for the Authorization header (default: the DICOMWEB_TOKEN environment variable)")]
    public string? Token { get; set; }

    [CommandOption("--retries <COUNT>")]
    [Description("Attempts after a transient failure (connection error, 5xx, 429), with exponential back-off")]
    [DefaultValue(5)]
    public int Retries { get; set; } = 5;

    public string? EffectiveToken => string.IsNullOrEmpty(Token) ? Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } t ? t : null : Token;

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return ValidationResult.Error($"'{Url}' is not an http:// or https:// URL");
        }
        return Retries < 0 ? ValidationResult.Error("--retries must be 0 or more") : ValidationResult.Success();
    }
}
