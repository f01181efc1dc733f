using Microsoft.Extensions.Logging;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// A debugging aid for in-process cluster tests: with TROVE_TEST_LOG set to a file path, every node's log events
/// (Debug and up) are appended there, each line stamped with the time and the node. Off (null) otherwise.
/// </summary>
internal sealed class FileLog(string node, StreamWriter writer) : ILoggerProvider, ILogger
{
    private static readonly Lock s_gate = new();
    private static StreamWriter? s_writer;

    /// <summary>A logging setup for <paramref name="node"/>, or null when TROVE_TEST_LOG is not set.</summary>
    public static Action<ILoggingBuilder>? For(string node)
    {
        string? path = Environment.GetEnvironmentVariable("TROVE_TEST_LOG");
        if (string.IsNullOrEmpty(path))
            return null;
        lock (s_gate)
            s_writer ??= new StreamWriter(path, append: true) { AutoFlush = true };
        return builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new FileLog(node, s_writer));
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {node} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}";
        lock (s_gate)
            writer.WriteLine(line);
    }

    public void Dispose()
    {
    }
}
