using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Tls;

/// <summary>A .NET SslStream client of the memcached port: trusts only the test CA and remembers what the server showed.</summary>
internal sealed class TlsClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream _stream;

    private TlsClient(Socket socket, SslStream stream, X509Certificate2 serverCertificate)
    {
        _socket = socket;
        _stream = stream;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The certificate the server presented in the handshake.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public static async Task<TlsClient> ConnectAsync(int port, X509Certificate2 authority, X509Certificate2? clientCertificate = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? presented = null;
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }
                presented = new X509Certificate2(certificate);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(presented);
            },
        };
        using var limit = new CancellationTokenSource(HarnessLimits.ReplySilence);
        try
        {
            await stream.AuthenticateAsClientAsync(options, limit.Token);
        }
        catch
        {
            await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
        return new TlsClient(socket, stream, presented!);
    }

    /// <summary>Sends text and reads until the reply ends with <paramref name="terminator"/>; throws on close or silence.</summary>
    public async Task<string> ExchangeAsync(string request, string terminator)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await _stream.FlushAsync();
        var reply = new StringBuilder();
        var buffer = new byte[16 * 1024];
        using var limit = new CancellationTokenSource(HarnessLimits.ReplySilence);
        while (!reply.ToString().EndsWith(terminator, StringComparison.Ordinal))
        {
            int read = await _stream.ReadAsync(buffer, limit.Token);
            if (read == 0)
            {
                throw new IOException($"server closed the TLS connection; reply so far: {reply}");
            }
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return reply.ToString();
    }

    /// <summary>
    /// True when the server will not serve this client: the handshake fails, or (TLS 1.3 checks the client
    /// certificate after the client's side is done) the first command gets the connection closed instead of a reply.
    /// </summary>
    public static async Task<bool> IsRefusedAsync(int port, X509Certificate2 authority, X509Certificate2? clientCertificate)
    {
        TlsClient client;
        try
        {
            client = await ConnectAsync(port, authority, clientCertificate);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return true;
        }
        await using (client)
        {
            try
            {
                string reply = await client.ExchangeAsync("version\r\n", "\r\n");
                return !reply.StartsWith("VERSION", StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                return true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
        ServerCertificate.Dispose();
    }
}
