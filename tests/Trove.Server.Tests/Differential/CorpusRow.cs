using Xunit.Abstractions;

namespace Trove.Server.Tests.Differential;

/// <summary>
/// A theory row's identity: the row name ("group/case [delivery]"). A serializable type rather than a string so
/// that test runners list every row by its full name (xunit shortens string arguments to 50 characters).
/// </summary>
public sealed class CorpusRow : IXunitSerializable
{
    /// <summary>For the deserializer.</summary>
    public CorpusRow()
    {
        Name = "";
    }

    public CorpusRow(string name) => Name = name;

    public string Name { get; private set; }

    public void Deserialize(IXunitSerializationInfo info) => Name = info.GetValue<string>(nameof(Name));

    public void Serialize(IXunitSerializationInfo info) => info.AddValue(nameof(Name), Name);

    public override string ToString() => Name;
}
