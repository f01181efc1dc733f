using System.Diagnostics;
using System.Text;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>The outcome of an external program: exit code and everything it printed.</summary>
internal sealed record ToolRun(string CommandLine, int ExitCode, string Output)
{
    public override string ToString() => $"$ {CommandLine}\nexit code {ExitCode}\n{Output}";

    /// <summary>Runs a program to completion (or kills it after <see cref="HarnessLimits.Tool"/> and fails).</summary>
    /// <param name="program">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">Where it runs (the temp directory by default).</param>
    /// <param name="standardInput">Text written to its standard input, which is then closed; null leaves it alone.</param>
    public static async Task<ToolRun> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, string? standardInput = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        string commandLine = $"{program} {string.Join(' ', info.ArgumentList)}";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var limit = new CancellationTokenSource(HarnessLimits.Tool);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{commandLine} hung for {HarnessLimits.Tool}:\n{Read(output)}");
        }

        // The parameterless wait also drains the redirected output to its end.
        process.WaitForExit();
        return new ToolRun(commandLine, process.ExitCode, Read(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
