namespace DicomWebArchive.Dicom;

/// <summary>The PS3.6 data dictionary, loaded lazily from the embedded TSV files.</summary>
public static partial class DicomDictionary
{
}
