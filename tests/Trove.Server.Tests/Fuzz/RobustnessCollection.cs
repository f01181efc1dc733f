namespace Trove.Server.Tests.Fuzz;

/// <summary>
/// The robustness tests run alone, not beside other test classes: they measure the process's managed heap and
/// open thousands of connections, and other tests' allocations and load would blur both.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RobustnessCollection
{
    public const string Name = "Robustness";
}
