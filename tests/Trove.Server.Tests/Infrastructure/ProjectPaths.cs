namespace Trove.Server.Tests.Infrastructure;

/// <summary>Files that live beside the test sources (the corpus, client scripts), found from the test binaries.</summary>
internal static class ProjectPaths
{
    /// <summary>tests/Trove.Server.Tests: the nearest ancestor of the test binaries holding Trove.Server.Tests.csproj.</summary>
    public static string ProjectDirectory { get; } = FindProjectDirectory();

    public static string Corpus => Path.Combine(ProjectDirectory, "corpus");

    public static string InProject(params string[] parts) => Path.Combine([ProjectDirectory, .. parts]);

    private static string FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Trove.Server.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Trove.Server.Tests.csproj above {AppContext.BaseDirectory}");
    }
}
