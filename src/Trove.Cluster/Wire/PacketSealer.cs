using System.Security.Cryptography;
using System.Text;

namespace Trove.Cluster.Wire;

/// <summary>Why an incoming packet was refused.</summary>
public enum OpenResult
{
    Ok,
    /// <summary>Shorter than its header says, unknown version or flags.</summary>
    Malformed,
    /// <summary>Carries another cluster's name.</summary>
    WrongCluster,
    /// <summary>Clear when we require encryption, or encrypted when we have no key.</summary>
    EncryptionMismatch,
    /// <summary>The AES-GCM tag does not verify: wrong key, forged or corrupted.</summary>
    NotAuthenticated,
}

/// <summary>
/// The envelope around every packet and stream message (docs/CLUSTER.md):
/// <c>version:u8 flags:u8 nameLength:u8 clusterName</c>, then either the payload, or (flag bit 0) a 12-byte nonce,
/// a 16-byte tag and the AES-GCM ciphertext of the payload, with the whole header as associated data, so the
/// cluster name cannot be swapped either. Thread-safe: AesGcm instances are not, so each call makes its own.
/// </summary>
public sealed class PacketSealer
{
    public const byte Version = 1;
    private const byte EncryptedFlag = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _header;
    private readonly byte[]? _key;

    public PacketSealer(string clusterName, byte[]? key)
    {
        byte[] name = Encoding.UTF8.GetBytes(clusterName);
        if (name.Length > 255)
            throw new ArgumentException("cluster name longer than 255 UTF-8 bytes", nameof(clusterName));
        _key = key is null ? null : (byte[])key.Clone();
        _header = [Version, _key is null ? (byte)0 : EncryptedFlag, (byte)name.Length, .. name];
    }

    /// <summary>Bytes the envelope adds to a payload.</summary>
    public int Overhead => _header.Length + (_key is null ? 0 : NonceSize + TagSize);

    public byte[] Seal(ReadOnlySpan<byte> payload)
    {
        var packet = new byte[Overhead + payload.Length];
        SealInto(payload, packet);
        return packet;
    }

    /// <summary>Writes the envelope around <paramref name="payload"/> into <paramref name="packet"/>, exactly <see cref="Overhead"/> + payload bytes long.</summary>
    public void SealInto(ReadOnlySpan<byte> payload, Span<byte> packet)
    {
        _header.CopyTo(packet);
        if (_key is null)
        {
            payload.CopyTo(packet[_header.Length..]);
            return;
        }
        Span<byte> nonce = packet.Slice(_header.Length, NonceSize);
        Span<byte> tag = packet.Slice(_header.Length + NonceSize, TagSize);
        Span<byte> cipher = packet.Slice(_header.Length + NonceSize + TagSize, payload.Length);
        // Random 96-bit nonces: the birthday bound (2^32 packets per key) is far beyond a gossip key's traffic.
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, payload, cipher, tag, _header);
    }

    /// <summary>Checks the envelope and returns the payload; never throws for any input.</summary>
    public OpenResult TryOpen(ReadOnlySpan<byte> packet, out byte[] payload)
    {
        payload = [];
        if (packet.Length < 3 || packet[0] != Version || packet[1] > EncryptedFlag || packet.Length < 3 + packet[2])
            return OpenResult.Malformed;
        int headerLength = 3 + packet[2];
        ReadOnlySpan<byte> header = packet[..headerLength];
        if (!header[2..].SequenceEqual(_header.AsSpan(2)))
            return OpenResult.WrongCluster;
        bool encrypted = packet[1] == EncryptedFlag;
        if (encrypted != (_key is not null))
            return OpenResult.EncryptionMismatch;
        ReadOnlySpan<byte> rest = packet[headerLength..];
        if (!encrypted)
        {
            payload = rest.ToArray();
            return OpenResult.Ok;
        }
        if (rest.Length < NonceSize + TagSize)
            return OpenResult.Malformed;
        var plain = new byte[rest.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key!, TagSize);
            aes.Decrypt(rest[..NonceSize], rest[(NonceSize + TagSize)..], rest.Slice(NonceSize, TagSize), plain, header);
        }
        catch (AuthenticationTagMismatchException)
        {
            return OpenResult.NotAuthenticated;
        }
        payload = plain;
        return OpenResult.Ok;
    }
}
