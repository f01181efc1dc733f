using System.Text;
using Trove.Server.Memcache.Auth;

namespace Trove.Server.Tests.Auth;

public sealed class CredentialStoreTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"trove-creds-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_file);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void VerifyAcceptsOnlyAnExactUserAndPassword()
    {
        CredentialStore store = CredentialStore.FromText("alice:secret\r\nbob:pw:with:colons\n");

        Assert.Equal(2, store.Count);
        Assert.True(store.Verify(Bytes("alice"), Bytes("secret")));
        Assert.True(store.Verify(Bytes("bob"), Bytes("pw:with:colons")));
        Assert.False(store.Verify(Bytes("alice"), Bytes("secre")));
        Assert.False(store.Verify(Bytes("alice"), Bytes("secret2")));
        Assert.False(store.Verify(Bytes("alice"), Bytes("pw:with:colons")));
        Assert.False(store.Verify(Bytes("Alice"), Bytes("secret")));
        Assert.False(store.Verify(Bytes(""), Bytes("")));
    }

    [Fact]
    public void AnEmptyPasswordIsAPasswordLikeAnyOther()
    {
        CredentialStore store = CredentialStore.FromText("guest:\n");

        Assert.True(store.Verify(Bytes("guest"), []));
        Assert.False(store.Verify(Bytes("guest"), Bytes("x")));
    }

    [Theory]
    [InlineData("\0alice\0secret", true)]
    [InlineData("alice\0alice\0secret", true)]
    [InlineData("bob\0alice\0secret", false)]
    [InlineData("\0alice\0wrong", false)]
    [InlineData("\0alice\0secret\0", false)]
    [InlineData("alice\0secret", false)]
    [InlineData("alicesecret", false)]
    [InlineData("", false)]
    public void VerifyPlainReadsTheSaslPlainMessage(string message, bool accepted)
    {
        CredentialStore store = CredentialStore.FromText("alice:secret\n");

        Assert.Equal(accepted, store.VerifyPlain(Bytes(message)));
    }

    [Fact]
    public void ALineWithoutAColonMakesTheFileMalformed()
    {
        File.WriteAllText(_file, "alice:secret\nbob\n");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => CredentialStore.Load(_file));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReloadSwapsInTheNewUsers()
    {
        File.WriteAllText(_file, "alice:secret\n");
        CredentialStore store = CredentialStore.Load(_file);

        File.WriteAllText(_file, "carol:new\n");
        Assert.True(store.Reload(out string? error), error);

        Assert.Null(error);
        Assert.True(store.Verify(Bytes("carol"), Bytes("new")));
        Assert.False(store.Verify(Bytes("alice"), Bytes("secret")));
    }

    [Fact]
    public void AFailedReloadKeepsTheUsersAlreadyLoaded()
    {
        File.WriteAllText(_file, "alice:secret\n");
        CredentialStore store = CredentialStore.Load(_file);

        File.WriteAllText(_file, "no colon here\n");
        Assert.False(store.Reload(out string? malformed));
        File.Delete(_file);
        Assert.False(store.Reload(out string? missing));

        Assert.NotNull(malformed);
        Assert.NotNull(missing);
        Assert.True(store.Verify(Bytes("alice"), Bytes("secret")));
    }
}
