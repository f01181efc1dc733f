using System.Text;
using Trove.Protocol.Text;

namespace Trove.Protocol.Tests.Text;

public sealed class TextTokensTests
{
    [Fact]
    public void TokenizeSplitsOnSpacesOnlyAndSkipsEmptyTokens()
    {
        byte[] line = Encoding.ASCII.GetBytes("  set  k\t1 0   5 ");

        TextTokens.Tokenize(line, 0, out TextTokens tokens);

        Assert.Equal(["set", "k\t1", "0", "5"], Texts(line, tokens));
        Assert.Equal(-1, tokens.RestStart);
    }

    [Fact]
    public void TokenizeReturnsEmptyTokenPastTheLastOne()
    {
        byte[] line = Encoding.ASCII.GetBytes("get a");

        TextTokens.Tokenize(line, 0, out TextTokens tokens);

        Assert.Equal(2, tokens.Count);
        Assert.True(tokens[2].IsEmpty);
        Assert.True(tokens[-1].IsEmpty);
    }

    [Fact]
    public void TokenizeStopsAfterTwentyThreeTokensAndReportsTheRest()
    {
        string text = "get " + string.Join(' ', Enumerable.Range(0, 30).Select(i => $"k{i}"));
        byte[] line = Encoding.ASCII.GetBytes(text);

        TextTokens.Tokenize(line, 0, out TextTokens tokens);

        Assert.Equal(TextTokens.MaxTokens, tokens.Count);
        Assert.Equal("k21", Encoding.ASCII.GetString(tokens[22].Of(line)));
        Assert.Equal("k22 k23", Encoding.ASCII.GetString(line, tokens.RestStart, 7));
    }

    [Fact]
    public void TokenizeReportsNoRestWhenTheTwentyThirdTokenEndsTheLine()
    {
        string text = string.Join(' ', Enumerable.Range(0, 23).Select(i => $"t{i}"));
        byte[] line = Encoding.ASCII.GetBytes(text + " ");

        TextTokens.Tokenize(line, 0, out TextTokens tokens);

        Assert.Equal(23, tokens.Count);
        Assert.Equal(-1, tokens.RestStart);
    }

    [Fact]
    public void KeyEnumeratorYieldsEveryKeyBeyondTheTokenLimit()
    {
        string[] keys = Enumerable.Range(0, 40).Select(i => $"key{i}").ToArray();
        byte[] line = Encoding.ASCII.GetBytes("get  " + string.Join("  ", keys) + " ");

        var found = new List<string>();
        foreach (TextToken key in new TextKeyEnumerator(line, 4))
        {
            found.Add(Encoding.ASCII.GetString(key.Of(line)));
        }

        Assert.Equal(keys, found);
    }

    private static string[] Texts(byte[] line, TextTokens tokens) =>
        Enumerable.Range(0, tokens.Count).Select(i => Encoding.ASCII.GetString(tokens[i].Of(line))).ToArray();
}
