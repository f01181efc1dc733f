using System.Text;
using static Trove.Server.Tests.Differential.Script;

namespace Trove.Server.Tests.Differential;

internal static partial class GeneratedCases
{
    /// <summary>Three mixes of 100 commands each (every storage, retrieval, arithmetic and meta command, some noreply), one write each.</summary>
    private static IEnumerable<DifferentialCase> Pipelines()
    {
        foreach (int seed in (int[])[1, 2, 3])
        {
            yield return DifferentialCase.Of($"pipeline/100 mixed commands, seed {seed}", Text(MixedCommands(seed, 100)));
        }
    }

    private static string MixedCommands(int seed, int count)
    {
        var random = new Random(seed);
        var script = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            string key = $"p{random.Next(6)}";
            string noreply = random.Next(5) == 0 ? " noreply" : "";
            string value = random.Next(3) == 0 ? random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : new string((char)('a' + random.Next(26)), random.Next(0, 12));
            int flags = random.Next(3) == 0 ? random.Next(70000) : 0;
            script.Append(random.Next(20) switch
            {
                0 => $"set {key} {flags} 0 {value.Length}{noreply}\r\n{value}\r\n",
                1 => $"add {key} {flags} 0 {value.Length}{noreply}\r\n{value}\r\n",
                2 => $"replace {key} {flags} 0 {value.Length}{noreply}\r\n{value}\r\n",
                3 => $"append {key} 0 0 {value.Length}{noreply}\r\n{value}\r\n",
                4 => $"prepend {key} 0 0 {value.Length}{noreply}\r\n{value}\r\n",
                5 => $"cas {key} {flags} 0 {value.Length} {random.Next(1, 40)}{noreply}\r\n{value}\r\n",
                6 => $"get {key} p{random.Next(6)}\r\n",
                7 => $"gets {key}\r\n",
                8 => $"delete {key}{noreply}\r\n",
                9 => $"incr {key} {random.Next(100)}{noreply}\r\n",
                // Delta 0: a shrinking number right after a read is not deterministic in memcached (see arithmetic.txt).
                10 => $"decr {key} 0{noreply}\r\n",
                11 => $"touch {key} {random.Next(1000, 5000)}{noreply}\r\n",
                12 => $"gat {random.Next(1000, 5000)} {key}\r\n",
                13 => $"mg {key} v f c s k\r\n",
                14 => $"ms {key} {value.Length} F{flags} c\r\n{value}\r\n",
                15 => $"md {key}{(noreply.Length > 0 ? " q" : "")}\r\n",
                16 => $"ma {key} D{random.Next(10)} v{(random.Next(2) == 0 ? " N0 J7" : "")}\r\n",
                17 => $"mg {key} q v O{random.Next(1000)}\r\n",
                18 => "mn\r\n",
                _ => $"bogus{random.Next(10)} {key}\r\n",
            });
        }

        return script.ToString();
    }
}
