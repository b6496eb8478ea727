using System.Text.Json;

namespace DicomWebArchive.Dicom.Tests.Reader;

/// <summary>Runs Reader/Oracle/pydicom_oracle.py with Debian's python3 and pydicom.</summary>
internal static class PydicomScript
{
    public static JsonDocument Run(string command, IEnumerable<string> files) =>
        JsonDocument.Parse(ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Reader", "Oracle", "pydicom_oracle.py"), [command, .. files]));
}
