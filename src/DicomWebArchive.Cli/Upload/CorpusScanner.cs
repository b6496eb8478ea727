using System.IO.Compression;
using DicomWebArchive.Cli.Common;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Cli.Upload;

/// <summary>What was found under the paths given: DICOM instances to send, and files that are not (with why).</summary>
internal sealed record Corpus(IReadOnlyList<DicomSource> Sources, IReadOnlyList<UploadOutcome> Skipped)
{
    public long Bytes => Sources.Sum(s => s.Length);
}

/// <summary>
/// Finds DICOM by content, never by extension: a Part 10 file ("DICM" after the 128-byte preamble) or a bare data set
/// that parses. ZIP archives (also found by content) are opened and their entries scanned the same way.
/// </summary>
internal static class CorpusScanner
{
    private const string MediaStorageDirectory = "1.2.840.10008.1.3.10";
    private static readonly DicomReaderOptions HeaderOnly = new() { PixelData = PixelDataHandling.Stop, MaxInlineValueLength = 1024 * 1024 };

    public static async Task<Corpus> ScanAsync(IEnumerable<string> paths, int parallel, Action<int>? scanned, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
                files.AddRange(Directory.EnumerateFiles(path, "*", options).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"no such file or folder: {path}");
            }
        }

        var found = new List<Found>[files.Count];
        int done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                found[i] = await ScanFileAsync(files[i], ct).ConfigureAwait(false);
                scanned?.Invoke(Interlocked.Increment(ref done));
            }).ConfigureAwait(false);

        var sources = new List<DicomSource>();
        var skipped = new List<UploadOutcome>();
        foreach (var item in found.SelectMany(f => f))
        {
            if (item.Source is { } source)
            {
                sources.Add(source);
            }
            else
            {
                skipped.Add(item.Skipped!);
            }
        }
        return new Corpus(sources, skipped);
    }

    private sealed record Found(DicomSource? Source, UploadOutcome? Skipped);

    private static async Task<List<Found>> ScanFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (IsZip(path))
            {
                return await ScanZipAsync(path, cancellationToken).ConfigureAwait(false);
            }
            // The length of what is read, not of a symbolic link to it.
            long length;
            using (var file = File.OpenRead(path))
            {
                length = file.Length;
            }
            return [await InspectAsync(path, null, length, () => File.OpenRead(path), cancellationToken).ConfigureAwait(false)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return [new Found(null, new UploadOutcome(path, UploadStatus.Failed, "cannot read: " + ex.Message))];
        }
    }

    private static bool IsZip(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head[0] == 'P' && head[1] == 'K'
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    private static async Task<List<Found>> ScanZipAsync(string path, CancellationToken cancellationToken)
    {
        var found = new List<Found>();
        using var archive = ZipFile.OpenRead(path);
        foreach (var entry in archive.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }
            found.Add(await InspectAsync(path, entry.FullName, entry.Length, entry.Open, cancellationToken).ConfigureAwait(false));
        }
        return found;
    }

    private static async Task<Found> InspectAsync(string path, string? entry, long length, Func<Stream> open, CancellationToken cancellationToken)
    {
        string name = entry is null ? path : $"{path}:{entry}";
        DicomFile file;
        try
        {
            await using var stream = open();
            file = await DicomReader.ReadAsync(stream, HeaderOnly, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomFormatException ex)
        {
            // With the Part 10 marker it is DICOM, only damaged: a failure to report. Without, it is some other file.
            return HasPart10Marker(open)
                ? new Found(null, new UploadOutcome(name, UploadStatus.Failed, "damaged DICOM: " + ex.Message))
                : new Found(null, new UploadOutcome(name, UploadStatus.NotDicom));
        }
        string? sop = file.Dataset.GetAsciiString(DicomTags.SOPInstanceUID);
        if (string.IsNullOrEmpty(sop))
        {
            // A DICOMDIR (or another file that is not an instance) comes with every CD: nothing to store, nothing failed.
            string what = file.Meta.GetAsciiString(DicomTags.MediaStorageSOPClassUID) == MediaStorageDirectory
                ? "DICOMDIR: a media index, not an instance"
                : "no SOP Instance UID (0008,0018): not an instance";
            return file.HasPreamble
                ? new Found(null, new UploadOutcome(name, UploadStatus.Skipped, what))
                : new Found(null, new UploadOutcome(name, UploadStatus.NotDicom));
        }
        return new Found(new DicomSource(path, entry, length, sop,
            file.Dataset.GetAsciiString(DicomTags.StudyInstanceUID), file.Dataset.GetAsciiString(DicomTags.SeriesInstanceUID)), null);
    }

    private static bool HasPart10Marker(Func<Stream> open)
    {
        Span<byte> head = stackalloc byte[132];
        using var stream = open();
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head[128..].SequenceEqual("DICM"u8);
    }
}
