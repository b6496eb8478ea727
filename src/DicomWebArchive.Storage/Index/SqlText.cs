using System.Text;

namespace DicomWebArchive.Storage.Index;

/// <summary>SQL fragments several dialects write the same way.</summary>
internal static class SqlText
{
    public static string InsertInto(char parameterPrefix, string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => parameterPrefix + SqlNames.ToParameter(c)))})";

    public static string EscapeLike(string value, char escape, string specials)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c == escape || specials.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append(escape);
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
