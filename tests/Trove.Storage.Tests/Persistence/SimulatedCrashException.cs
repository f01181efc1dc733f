namespace Trove.Storage.Tests.Persistence;

/// <summary>Thrown by every operation of a <see cref="FaultyFileSystem"/> once the simulated process has died.</summary>
internal sealed class SimulatedCrashException : IOException
{
    public SimulatedCrashException()
        : base("simulated crash: the process is dead")
    {
    }
}
