using System.Reflection;
using System.Text.RegularExpressions;
using DicomWebArchive.Core;
using DicomWebArchive.Storage;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DicomWebArchive.Server.Tests.Deploy;

/// <summary>
/// The files under deploy/ as data: compose files parsed as YAML (anchors and merge keys resolved, as docker compose
/// does), the Dockerfile as instructions, and the setting names the server really binds, found by reflection over its
/// options classes, so that a misspelt name in a deployment file fails a test instead of being ignored at run time.
/// </summary>
internal static partial class DeploymentFiles
{
    public static string Directory => Path.Combine(RepositoryPaths.RepositoryRoot, "deploy");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>A compose file as nested dictionaries, lists and strings.</summary>
    public static Dictionary<object, object> LoadCompose(string name)
    {
        using var reader = new StringReader(File.ReadAllText(PathOf(name)));
        var parser = new MergingParser(new Parser(reader));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(parser);
    }

    public static Dictionary<object, object> Map(object? node, string what) =>
        node as Dictionary<object, object> ?? throw new AssertionException($"{what} is not a mapping");

    public static Dictionary<object, object> Services(Dictionary<object, object> compose) => Map(compose["services"], "services");

    public static Dictionary<object, object> Service(Dictionary<object, object> compose, string name) => Map(Services(compose)[name], name);

    /// <summary>A service's environment, in either of compose's forms (a mapping, or a list of NAME=value).</summary>
    public static Dictionary<string, string> Environment(Dictionary<object, object> service)
    {
        if (!service.TryGetValue("environment", out var environment))
        {
            return [];
        }
        return environment switch
        {
            Dictionary<object, object> map => map.ToDictionary(e => (string)e.Key, e => e.Value?.ToString() ?? ""),
            List<object> list => list.Cast<string>().Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""),
            _ => throw new AssertionException("environment is neither a mapping nor a list"),
        };
    }

    /// <summary>The services that run the archive image, which the server's settings configure.</summary>
    public static IEnumerable<string> ArchiveServices(Dictionary<object, object> compose) =>
        Services(compose).Where(s => Map(s.Value, (string)s.Key).TryGetValue("image", out var image) && ((string)image).StartsWith("dicomweb-archive:", StringComparison.Ordinal))
            .Select(s => (string)s.Key);

    /// <summary>
    /// Every setting path the server binds ("Storage:Index:Provider"), from the public settable properties of each
    /// options class under its section, nested classes walked.
    /// </summary>
    public static IReadOnlySet<string> SettingNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in OptionsTypes())
        {
            AddProperties(type, (string)type.GetProperty("Section", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, names);
        }
        return names;
    }

    /// <summary>Every options class of the server, Core and Storage.</summary>
    public static IEnumerable<Type> OptionsTypes() =>
        new[] { typeof(Program).Assembly, typeof(StorageOptions).Assembly, typeof(ArchiveMetrics).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IArchiveOptions).IsAssignableFrom(t));

    private static void AddProperties(Type type, string prefix, HashSet<string> names)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var path = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsValue(propertyType) || (propertyType.IsArray && IsValue(propertyType.GetElementType()!)))
            {
                names.Add(path);
            }
            else
            {
                AddProperties(propertyType, path, names);
            }
        }
    }

    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    /// <summary>
    /// A compose value with its ${NAME}, ${NAME:-default} and ${NAME:?message} references filled as compose fills them:
    /// from <paramref name="variables"/>, else the default; a required variable missing there fails.
    /// </summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        Reference().Replace(value, m =>
        {
            string name = m.Groups["name"].Value;
            if (variables.TryGetValue(name, out var set))
            {
                return set;
            }
            return m.Groups["kind"].Value switch
            {
                ":-" or "-" => m.Groups["rest"].Value,
                ":?" or "?" => throw new AssertionException($"${{{name}}} is required and the test names no value for it"),
                _ => "",
            };
        });

    /// <summary>The variables a compose file requires (${NAME:?message}).</summary>
    public static IEnumerable<string> RequiredVariables(string composeFile) =>
        Reference().Matches(File.ReadAllText(PathOf(composeFile))).Where(m => m.Groups["kind"].Value.EndsWith('?')).Select(m => m.Groups["name"].Value).Distinct();

    [GeneratedRegex(@"\$\{(?<name>[A-Z_][A-Z0-9_]*)(?:(?<kind>:?[-?])(?<rest>[^}]*))?\}")]
    private static partial Regex Reference();

    /// <summary>The Dockerfile's instructions, continuation lines joined, comments left out: (INSTRUCTION, arguments).</summary>
    public static List<(string Instruction, string Arguments)> DockerfileInstructions()
    {
        var instructions = new List<(string, string)>();
        string pending = "";
        foreach (var raw in File.ReadAllLines(PathOf("Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length > 0)
            {
                var space = whole.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add((whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
            }
        }
        return instructions;
    }
}
