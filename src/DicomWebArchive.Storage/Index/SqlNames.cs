using System.Text;

namespace DicomWebArchive.Storage.Index;

internal static class SqlNames
{
    /// <summary>Column <c>study_instance_uid</c> binds parameter <c>StudyInstanceUid</c>, the .NET property it comes from.</summary>
    public static string ToParameter(string column)
    {
        var name = new StringBuilder(column.Length);
        var upper = true;
        foreach (var c in column)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return name.ToString();
    }
}
