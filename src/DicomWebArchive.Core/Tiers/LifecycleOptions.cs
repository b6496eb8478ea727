using DicomWebArchive.Core.Blobs;

namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// Section "Storage:Lifecycle": when studies leave the hot tier, when they come back, and what each tier costs.
/// A study moves to cool after <see cref="LifecycleRule.CoolAfterDays"/> days without being opened or stored into, to
/// cold or archive after more; per-modality rules override the defaults (a study of several modalities follows the
/// most patient of its rules). Nothing moves by age unless a number of days is set.
/// </summary>
public sealed class LifecycleOptions : LifecycleRule, IArchiveOptions
{
    public static string Section => "Storage:Lifecycle";

    /// <summary>Runs the policy periodically; on-demand runs (POST /api/storage/lifecycle/run) work either way.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rules by Modality (0008,0060) overriding the defaults above, e.g. MG archives later than CR.</summary>
    public Dictionary<string, LifecycleRule> Modalities { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A cool or cold study that is opened again (metadata or images) goes back to hot.</summary>
    public bool PromoteOnAccess { get; set; } = true;

    /// <summary>A study's last access is written at most this often, so reads cost no write.</summary>
    public TimeSpan AccessResolution { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often unfinished moves (rehydrations in progress, moves of a replica that died) are looked at.</summary>
    public TimeSpan MovePollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a replica holds a move before another may take it over (it renews the hold while it works).</summary>
    public TimeSpan MoveLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Storage price per GB (10^9 bytes) and month of each tier, for the storage report's estimate.</summary>
    public TierPrices PricePerGbMonth { get; set; } = new();

    public string Currency { get; set; } = "USD";

    /// <summary>The rule for a study of these modalities: per tier, the latest of their rules (never, when one says never).</summary>
    public LifecycleRule RuleFor(IEnumerable<string> modalities)
    {
        var rules = modalities.Select(m => Modalities.TryGetValue(m, out var rule) ? rule.Over(this) : this).DefaultIfEmpty(this).ToList();
        return new LifecycleRule
        {
            CoolAfterDays = Latest(rules.Select(r => r.CoolAfterDays)),
            ColdAfterDays = Latest(rules.Select(r => r.ColdAfterDays)),
            ArchiveAfterDays = Latest(rules.Select(r => r.ArchiveAfterDays)),
        };
    }

    /// <summary>The fewest days any rule waits: studies idle for less are never looked at.</summary>
    public int? ShortestWait => Modalities.Values.Select(r => r.Over(this)).Append(this)
        .SelectMany(r => new[] { r.CoolAfterDays, r.ColdAfterDays, r.ArchiveAfterDays }).Min();

    private static int? Latest(IEnumerable<int?> days)
    {
        var list = days.ToList();
        return list.Any(d => d is null) ? null : list.Max();
    }

    public IEnumerable<string> Validate()
    {
        foreach (var problem in ValidateRule(Section))
        {
            yield return problem;
        }
        foreach (var (modality, rule) in Modalities)
        {
            if (string.IsNullOrWhiteSpace(modality) || modality.Length > 16)
            {
                yield return $"{Section}:Modalities names '{modality}', which is not a modality (CT, MR, MG...).";
            }
            foreach (var problem in rule.ValidateRule($"{Section}:Modalities:{modality}"))
            {
                yield return problem;
            }
        }
        if (Interval <= TimeSpan.Zero || AccessResolution < TimeSpan.Zero || MovePollInterval <= TimeSpan.Zero || MoveLease <= TimeSpan.Zero)
        {
            yield return $"{Section}:Interval, MovePollInterval and MoveLease must be positive, and AccessResolution not negative.";
        }
        foreach (var tier in Enum.GetValues<BlobTier>())
        {
            if (PricePerGbMonth[tier] < 0)
            {
                yield return $"{Section}:PricePerGbMonth:{tier} must not be negative (it is {PricePerGbMonth[tier]}).";
            }
        }
    }
}

/// <summary>Days without access after which a study moves to each tier; null for never.</summary>
public class LifecycleRule
{
    public int? CoolAfterDays { get; set; }

    public int? ColdAfterDays { get; set; }

    public int? ArchiveAfterDays { get; set; }

    /// <summary>The coldest tier this rule sends a study idle for <paramref name="idleDays"/> to; hot when none.</summary>
    public BlobTier TierAfter(double idleDays) =>
        ArchiveAfterDays <= idleDays ? BlobTier.Archive
        : ColdAfterDays <= idleDays ? BlobTier.Cold
        : CoolAfterDays <= idleDays ? BlobTier.Cool
        : BlobTier.Hot;

    /// <summary>This rule with what it leaves unset taken from <paramref name="defaults"/>.</summary>
    internal LifecycleRule Over(LifecycleRule defaults) => new()
    {
        CoolAfterDays = CoolAfterDays ?? defaults.CoolAfterDays,
        ColdAfterDays = ColdAfterDays ?? defaults.ColdAfterDays,
        ArchiveAfterDays = ArchiveAfterDays ?? defaults.ArchiveAfterDays,
    };

    internal IEnumerable<string> ValidateRule(string section)
    {
        foreach (var (name, days) in new[] { ("CoolAfterDays", CoolAfterDays), ("ColdAfterDays", ColdAfterDays), ("ArchiveAfterDays", ArchiveAfterDays) })
        {
            if (days is < 0)
            {
                yield return $"{section}:{name} must not be negative (it is {days}).";
            }
        }
    }
}

/// <summary>Per-GB monthly prices; the defaults are Azure's list prices for LRS in US East, as an example only.</summary>
public sealed class TierPrices
{
    public decimal Hot { get; set; } = 0.018m;

    public decimal Cool { get; set; } = 0.01m;

    public decimal Cold { get; set; } = 0.0036m;

    public decimal Archive { get; set; } = 0.00099m;

    public decimal this[BlobTier tier] => tier switch
    {
        BlobTier.Hot => Hot,
        BlobTier.Cool => Cool,
        BlobTier.Cold => Cold,
        _ => Archive,
    };
}
