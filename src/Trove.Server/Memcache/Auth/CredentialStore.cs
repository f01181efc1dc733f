using System.Security.Cryptography;
using System.Text;

namespace Trove.Server.Memcache.Auth;

/// <summary>
/// The users allowed in when authentication is on (memcached -Y): the auth file's <c>user:password</c> lines.
/// Both protocols check credentials here: the text protocol's "set" with <c>user password</c> as its value through
/// <see cref="Verify"/>, SASL PLAIN in the binary protocol through <see cref="VerifyPlain"/>.
/// </summary>
/// <remarks>
/// The file format is memcached's: one <c>user:password</c> per line, the user ending at the first ':' and the
/// password at the end of the line ('\r' or '\n'); a line without ':' makes the file malformed. Blank lines are
/// skipped (memcached's parser rejects them mid-file). Unlike memcached, more than 8 entries are kept.
/// <see cref="Reload"/> swaps the whole table at once and keeps the old one when the file cannot be read, as
/// memcached does on SIGHUP. Thread safe: readers see either the old table or the new one.
/// </remarks>
public sealed class CredentialStore
{
    private volatile Credential[] _entries;

    private CredentialStore(string path, Credential[] entries)
    {
        Path = path;
        _entries = entries;
    }

    /// <summary>The auth file this store was loaded from.</summary>
    public string Path { get; }

    /// <summary>How many user:password entries are loaded.</summary>
    public int Count => _entries.Length;

    /// <summary>Loads the auth file; throws <see cref="InvalidDataException"/> or an I/O exception if it is unusable.</summary>
    public static CredentialStore Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new CredentialStore(path, Read(path));
    }

    /// <summary>A store from text in the auth file format (for tests and embedding).</summary>
    public static CredentialStore FromText(string text) => new("(memory)", Parse(Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads the file again; on failure the previous entries stay in force and the reason is returned.</summary>
    public bool Reload(out string? error)
    {
        try
        {
            _entries = Read(Path);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="user"/> and <paramref name="password"/> match an entry. Contents are compared in
    /// constant time (lengths are not secret, as in memcached's safe_memcmp use); every entry is examined.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        bool match = false;
        foreach (Credential entry in _entries)
        {
            if (entry.User.Length == user.Length && entry.Password.Length == password.Length)
            {
                bool same = CryptographicOperations.FixedTimeEquals(entry.User, user)
                    & CryptographicOperations.FixedTimeEquals(entry.Password, password);
                match |= same;
            }
        }
        return match;
    }

    /// <summary>
    /// Verifies a SASL PLAIN message (RFC 4616): <c>authzid NUL authcid NUL passwd</c>. The authorization identity
    /// may be empty or equal to the user; acting as another user is refused.
    /// </summary>
    public bool VerifyPlain(ReadOnlySpan<byte> message)
    {
        int first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }
        ReadOnlySpan<byte> authorizationId = message.Slice(0, first);
        ReadOnlySpan<byte> rest = message.Slice(first + 1);
        int second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }
        ReadOnlySpan<byte> user = rest.Slice(0, second);
        ReadOnlySpan<byte> password = rest.Slice(second + 1);
        if (password.IndexOf((byte)0) >= 0 || (authorizationId.Length > 0 && !authorizationId.SequenceEqual(user)))
        {
            return false;
        }
        return Verify(user, password);
    }

    private static Credential[] Read(string path) => Parse(File.ReadAllBytes(path));

    private static Credential[] Parse(ReadOnlySpan<byte> text)
    {
        var entries = new List<Credential>();
        int lineNumber = 0;
        foreach (Range range in text.Split((byte)'\n'))
        {
            lineNumber++;
            ReadOnlySpan<byte> line = text[range];
            int end = line.IndexOf((byte)'\r');
            if (end >= 0)
            {
                line = line.Slice(0, end);
            }
            if (line.IsEmpty)
            {
                continue;
            }
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                throw new InvalidDataException($"auth file line {lineNumber} is not user:password");
            }
            entries.Add(new Credential(line.Slice(0, colon).ToArray(), line.Slice(colon + 1).ToArray()));
        }
        return [.. entries];
    }

    private sealed record Credential(byte[] User, byte[] Password);
}
