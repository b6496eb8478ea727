using System.IO.Compression;

namespace DicomWebArchive.Cli.Upload;

/// <summary>One DICOM instance found on disk: a file, or an entry of a ZIP archive.</summary>
internal sealed record DicomSource(string Path, string? Entry, long Length, string SopInstanceUid, string? StudyInstanceUid, string? SeriesInstanceUid)
{
    public string Name => Entry is null ? Path : $"{Path}:{Entry}";
}

/// <summary>Opens sources for reading; keeps each ZIP archive open while a request body is written from it.</summary>
internal sealed class SourceReader : IDisposable
{
    private readonly Dictionary<string, ZipArchive> _archives = new(StringComparer.Ordinal);

    public Stream Open(DicomSource source)
    {
        if (source.Entry is null)
        {
            return new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        if (!_archives.TryGetValue(source.Path, out var archive))
        {
            archive = ZipFile.OpenRead(source.Path);
            _archives.Add(source.Path, archive);
        }
        return (archive.GetEntry(source.Entry) ?? throw new FileNotFoundException("The entry is gone from the archive", source.Name)).Open();
    }

    public void Dispose()
    {
        foreach (var archive in _archives.Values)
        {
            archive.Dispose();
        }
        _archives.Clear();
    }
}
