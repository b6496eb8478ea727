namespace DicomWebArchive.Core.Index;

/// <summary>What the readiness check reports about the index.</summary>
/// <param name="Description">Which database and schema version, or what is wrong; safe to show (no password).</param>
/// <param name="SchemaVersion">The schema version the database holds; null when it could not be read.</param>
public sealed record IndexHealth(bool IsHealthy, string Description, int? SchemaVersion = null);
