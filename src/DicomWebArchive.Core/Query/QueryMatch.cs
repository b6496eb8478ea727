namespace DicomWebArchive.Core.Query;

/// <summary>One matching key of a QIDO request, already classified per PS3.4 C.2.2.2.</summary>
public abstract record QueryMatch(QueryAttribute Attribute);

/// <summary>Single Value Matching: exact, except PN which is case- and accent-insensitive.</summary>
public sealed record SingleValueMatch(QueryAttribute Attribute, string Value) : QueryMatch(Attribute);

/// <summary>Wild Card Matching: <c>*</c> any run of characters, <c>?</c> exactly one.</summary>
public sealed record WildcardMatch(QueryAttribute Attribute, string Pattern) : QueryMatch(Attribute);

/// <summary>List of UID Matching, or any-of matching for a multi-valued key without multiplevaluematching.</summary>
public sealed record ValueListMatch(QueryAttribute Attribute, IReadOnlyList<string> Values) : QueryMatch(Attribute);

/// <summary>Multiple Value Matching (multiplevaluematching=true): the entity must hold every value.</summary>
public sealed record AllValuesMatch(QueryAttribute Attribute, IReadOnlyList<string> Values) : QueryMatch(Attribute);

/// <summary>Range Matching on DA/TM/DT, inclusive; a null bound is open.</summary>
public sealed record RangeMatch(QueryAttribute Attribute, string? From, string? To) : QueryMatch(Attribute);

/// <summary>Empty Value Matching (emptyvaluematching=true and the key is <c>""</c>): the attribute is empty or absent.</summary>
public sealed record EmptyValueMatch(QueryAttribute Attribute) : QueryMatch(Attribute);

/// <summary>Fuzzy PN matching (fuzzymatching=true): each query word is a prefix of some name component, ignoring case and accents.</summary>
public sealed record FuzzyNameMatch(QueryAttribute Attribute, IReadOnlyList<string> Words) : QueryMatch(Attribute);
