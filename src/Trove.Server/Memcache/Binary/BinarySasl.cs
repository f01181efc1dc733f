using System.Buffers;
using Trove.Protocol.Binary;
using Trove.Server.Memcache.Auth;

namespace Trove.Server.Memcache.Binary;

/// <summary>
/// SASL over the binary protocol when an auth file is configured, as memcached's -S: PLAIN, checked against the same
/// <see cref="CredentialStore"/> the text protocol's -Y authentication uses. Before a connection authenticates only
/// the SASL opcodes and version are served; anything else gets "Auth failure." and the connection closes.
/// </summary>
/// <remarks>
/// memcached cannot combine -Y with the binary protocol (it forces ascii) and takes its SASL users from Cyrus SASL;
/// Trove serves both protocols from one file, so one credential works for every client. Replies and counters follow
/// memcached's process_bin_complete_sasl_auth: "Authenticated" and auth_cmds on success, "Auth failure.",
/// auth_cmds and auth_errors on a failure, which does not close the connection.
/// </remarks>
internal sealed class BinarySasl(CredentialStore credentials, ClientConnection? connection)
{
    /// <summary>memcached's MAX_SASL_MECH_LEN: a longer mechanism name is "Invalid arguments".</summary>
    public const int MaxMechanismLength = 32;

    /// <summary>
    /// Largest PLAIN message accepted (two names and a password); a longer one fails without being buffered.
    /// memcached allocates whatever length the client declares.
    /// </summary>
    public const int MaxMessageLength = 4096;

    private static ReadOnlySpan<byte> Plain => "PLAIN"u8;

    private bool _authenticated;

    public bool Authenticated => _authenticated || connection?.IsAuthenticated == true;

    /// <summary>memcached's authenticated(): the opcodes a connection may send before it has authenticated.</summary>
    public static bool AllowedBeforeAuthentication(BinaryOpcode command) =>
        command is BinaryOpcode.SaslListMechs or BinaryOpcode.SaslAuth or BinaryOpcode.SaslStep or BinaryOpcode.Version;

    /// <summary>Any other command before authentication: "Auth failure.", then the connection closes.</summary>
    public static BinaryNext Refuse(in BinaryHeader header, IBufferWriter<byte> output)
    {
        BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.AuthError, header.Opaque);
        return BinaryNext.Close;
    }

    /// <summary>The mechanisms, space separated, as the value of a success reply.</summary>
    public static BinaryNext ListMechanisms(in BinaryHeader header, IBufferWriter<byte> output)
    {
        BinaryResponseWriter.WriteValue(output, header.Opcode, header.Opaque, Plain);
        return BinaryNext.Continue;
    }

    /// <summary>
    /// Checks a complete SASL auth (or step) request: the key is the mechanism, the value the client's message.
    /// PLAIN has a single step, so a step request always fails.
    /// </summary>
    public BinaryNext Complete(ServerContext context, in BinaryHeader header, ReadOnlySpan<byte> mechanism, in ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        bool accepted = header.Command == BinaryOpcode.SaslAuth
            && mechanism.SequenceEqual(Plain)
            && message.Length <= MaxMessageLength
            && credentials.VerifyPlain(Flatten(message, stackalloc byte[MaxMessageLength]));
        context.Counters.Add(ProtocolCounter.AuthCmds);
        if (!accepted)
        {
            context.Counters.Add(ProtocolCounter.AuthErrors);
            BinaryResponseWriter.WriteError(output, header.Opcode, BinaryStatus.AuthError, header.Opaque);
            return BinaryNext.Send;
        }

        _authenticated = true;
        connection?.MarkAuthenticated();
        BinaryResponseWriter.WriteValue(output, header.Opcode, header.Opaque, "Authenticated"u8);
        return BinaryNext.Continue;
    }

    private static ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> message, Span<byte> buffer)
    {
        if (message.IsSingleSegment)
        {
            return message.FirstSpan;
        }
        message.CopyTo(buffer);
        return buffer[..(int)message.Length];
    }
}
