using DicomWebArchive.Core.Store;

namespace DicomWebArchive.Core.Tests;

/// <summary>Core is protocol-neutral: a DICOMweb server and a DIMSE gateway both build on it, so it knows neither HTTP nor SQL.</summary>
public sealed class ArchitectureTests
{
    [Test]
    public void Core_References_NoWebFrameworkAndNoDatabase()
    {
        var references = typeof(StoreService).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.That(references, Has.None.StartsWith("Microsoft.AspNetCore"));
        Assert.That(references, Has.None.StartsWith("Microsoft.Data").And.None.StartsWith("Dapper").And.None.StartsWith("Npgsql"));
        Assert.That(references, Does.Contain("DicomWebArchive.Dicom"));
    }
}
