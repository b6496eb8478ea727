namespace DicomWebArchive.Dicom.Tests;

public sealed class ProjectSmokeTests
{
    [Test]
    public void Assembly_Loads_UnderTest() => Assert.That(typeof(ProjectSmokeTests).Assembly.GetName().Name, Is.EqualTo("DicomWebArchive.Dicom.Tests"));
}
