using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>
/// The server with authentication on, as a site would configure it for development: HS256 tokens with an issuer and an
/// audience, signed links, and per-study access by Patient ID listed in the "patients" claim.
/// </summary>
internal sealed class SecureArchive : IAsyncDisposable
{
    public const string Issuer = "https://login.test.example";
    public const string Audience = "dicomweb-tests";
    public const string AccessClaim = "patients";

    public SecureArchive(params (string Key, string Value)[] settings)
    {
        Key = RandomNumberGenerator.GetBytes(32);
        Factory = new ArchiveFactory([.. Settings(Key), .. settings]);
        Client = Factory.CreateClient();
    }

    public byte[] Key { get; }

    public ArchiveFactory Factory { get; }

    /// <summary>A client that sends no token unless a request carries one.</summary>
    public HttpClient Client { get; }

    /// <summary>A token as the site's issuer would sign it.</summary>
    public string Token(string subject, string scopes, string[]? patients = null, TimeSpan? lifetime = null, DateTime? issuedAt = null, byte[]? key = null, string audience = Audience) =>
        Sign(key ?? Key, subject, scopes, patients, lifetime, issuedAt, audience);

    /// <summary>The settings of a site with authentication on and signed links, for servers started otherwise (on Kestrel).</summary>
    public static (string Key, string Value)[] Settings(byte[] key) =>
    [
        ("Auth:SigningKey", Convert.ToBase64String(key)),
        ("Auth:Issuer", Issuer),
        ("Auth:Audience", Audience),
        ("Auth:LinkKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        ("Auth:StudyAccess:Attribute", "PatientID"),
        ("Auth:StudyAccess:Claim", AccessClaim),
    ];

    public static string Sign(byte[] key, string subject, string scopes, string[]? patients = null, TimeSpan? lifetime = null, DateTime? issuedAt = null, string audience = Audience)
    {
        var at = issuedAt ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = scopes };
        if (patients is not null)
        {
            claims[AccessClaim] = patients;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = at,
            NotBefore = at,
            Expires = at + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    public string Admin => Token("admin", "dicom.admin");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token, string? accept = null) => SendAsync(HttpMethod.Get, path, token, null, accept);

    /// <summary>Stores a 16×16 image of the patient; returns its UIDs.</summary>
    public async Task<(string Study, string Series, string Sop)> StoreAsync(string patientId, string? study = null)
    {
        string series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        study ??= TestDicom.NewUid();
        var file = new TestDicom(study, series, sop, patientId: patientId).AddImage(16, 16, 1).ToArrayWithPixelData(16 * 16 * 2, seed: 5);
        var response = await SendAsync(HttpMethod.Post, "/dicomweb/studies", Admin, StowRequests.Multipart([file]));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        return (study, series, sop);
    }

    /// <summary>Moves the study to the tier as an administrator; returns the id of the finished move.</summary>
    public async Task<string> MoveAsync(string study, string tier)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/api/storage/studies/{study}/tier", Admin, JsonContent.Create(new { tier }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        using var storage = JsonDocument.Parse(body);
        return storage.RootElement.GetProperty("operation").GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
