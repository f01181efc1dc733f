using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Tls;

/// <summary>
/// The memcached port with --tls-cert/--tls-key (TLS only, as memcached -Z) and --tls-ca (client certificates
/// required and checked against that CA), and refresh_certs swapping certificates without a restart.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _pki = new();

    public void Dispose() => _pki.Dispose();

    private Task<TroveNode> StartAsync(bool requireClientCertificate = false) =>
        TroveNode.StartAsync(
            new ServerOptions
            {
                Port = 0,
                TlsCertPath = _pki.CertPath,
                TlsKeyPath = _pki.KeyPath,
                TlsCaPath = requireClientCertificate ? _pki.CaPath : null,
            },
            new EngineOptions());

    [Fact]
    public async Task ATlsClientStoresAndReadsBack()
    {
        using X509Certificate2 server = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync();

        await using TlsClient client = await TlsClient.ConnectAsync(node.Port, _pki.Authority);

        Assert.Equal(server.Thumbprint, client.ServerCertificate.Thumbprint);
        Assert.Equal("STORED\r\n", await client.ExchangeAsync("set greeting 7 0 5\r\nhello\r\n", "\r\n"));
        Assert.Equal("VALUE greeting 7 5\r\nhello\r\nEND\r\n", await client.ExchangeAsync("get greeting\r\n", "END\r\n"));
    }

    [Fact]
    public async Task APlainTextClientGetsNoReplyAndIsDisconnected()
    {
        using X509Certificate2 server = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync();

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, node.Port);
        await socket.SendAsync("version\r\nget x\r\n"u8.ToArray(), SocketFlags.None);

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(HarnessLimits.ReplySilence);
        bool closed = false;
        while (!closed)
        {
            try
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                closed = read == 0;
                received.Write(buffer, 0, read);
            }
            catch (SocketException)
            {
                closed = true; // reset: closed with our bytes unread
            }
        }
        string text = Encoding.Latin1.GetString(received.ToArray());
        Assert.DoesNotContain("VERSION", text, StringComparison.Ordinal);
        Assert.DoesNotContain("END", text, StringComparison.Ordinal);

        // Counted as memcached does, in the two fields memcached adds to stats when it serves TLS. The count may land
        // just after the close the client saw, so ask until it shows (bounded; the count decides, not the wait).
        await using TlsClient client = await TlsClient.ConnectAsync(node.Port, _pki.Authority);
        const string Expected = "STAT log_watchers 0\r\nSTAT ssl_handshake_errors 1\r\nSTAT time_since_server_cert_refresh ";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string stats;
        while (!(stats = await client.ExchangeAsync("stats\r\n", "END\r\n")).Contains(Expected, StringComparison.Ordinal)
            && waited.Elapsed < HarnessLimits.ReplySilence)
        {
            await Task.Delay(20);
        }
        Assert.Contains(Expected, stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithACaAClientMustPresentACertificateThatCaIssued()
    {
        using X509Certificate2 server = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync(requireClientCertificate: true);
        using X509Certificate2 issued = _pki.ClientCertificate(issuedByAuthority: true);
        using X509Certificate2 stranger = _pki.ClientCertificate(issuedByAuthority: false);

        Assert.True(await TlsClient.IsRefusedAsync(node.Port, _pki.Authority, clientCertificate: null), "a client without a certificate was served");
        Assert.True(await TlsClient.IsRefusedAsync(node.Port, _pki.Authority, stranger), "a self-signed client certificate was accepted");

        await using TlsClient client = await TlsClient.ConnectAsync(node.Port, _pki.Authority, issued);
        Assert.StartsWith("VERSION ", await client.ExchangeAsync("version\r\n", "\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshCertsPresentsTheNewCertificateToTheNextHandshake()
    {
        using X509Certificate2 first = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync();
        await using TlsClient before = await TlsClient.ConnectAsync(node.Port, _pki.Authority);
        Assert.Equal(first.Thumbprint, before.ServerCertificate.Thumbprint);

        using X509Certificate2 second = _pki.WriteServerCertificate("trove-two");
        Assert.Equal("OK\r\n", await before.ExchangeAsync("refresh_certs\r\n", "\r\n"));

        await using TlsClient after = await TlsClient.ConnectAsync(node.Port, _pki.Authority);
        Assert.Equal(second.Thumbprint, after.ServerCertificate.Thumbprint);
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        // The connection made before the refresh goes on with its session.
        Assert.StartsWith("VERSION ", await before.ExchangeAsync("version\r\n", "\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedRefreshAnswersMemcachedsErrorAndKeepsTheOldCertificate()
    {
        using X509Certificate2 first = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync();
        await using TlsClient client = await TlsClient.ConnectAsync(node.Port, _pki.Authority);

        File.WriteAllText(_pki.CertPath, "not a certificate\n");
        string reply = await client.ExchangeAsync("refresh_certs\r\n", "\r\n");

        Assert.StartsWith($"Error loading the certificate chain: {_pki.CertPath} : ", reply, StringComparison.Ordinal);
        Assert.Equal(1, reply.Split("\r\n").Length - 1);
        await using TlsClient next = await TlsClient.ConnectAsync(node.Port, _pki.Authority);
        Assert.Equal(first.Thumbprint, next.ServerCertificate.Thumbprint);
    }

    [Fact]
    public async Task StatsSettingsShowTheTlsFiles()
    {
        using X509Certificate2 server = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync(requireClientCertificate: true);
        using X509Certificate2 issued = _pki.ClientCertificate(issuedByAuthority: true);
        await using TlsClient client = await TlsClient.ConnectAsync(node.Port, _pki.Authority, issued);

        string settings = await client.ExchangeAsync("stats settings\r\n", "END\r\n");

        Assert.Contains("STAT ssl_enabled yes\r\n", settings, StringComparison.Ordinal);
        Assert.Contains($"STAT ssl_chain_cert {_pki.CertPath}\r\n", settings, StringComparison.Ordinal);
        Assert.Contains($"STAT ssl_key {_pki.KeyPath}\r\n", settings, StringComparison.Ordinal);
        Assert.Contains("STAT ssl_verify_mode 7\r\n", settings, StringComparison.Ordinal);
        Assert.Contains($"STAT ssl_ca_cert {_pki.CaPath}\r\n", settings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpensslSClientTalksToTheTlsPort()
    {
        using X509Certificate2 server = _pki.WriteServerCertificate("trove-one");
        await using TroveNode node = await StartAsync(requireClientCertificate: true);
        (string clientCert, string clientKey) = _pki.WriteClientPem();

        // -ign_eof: keep reading after our input ends, until the server closes on "quit".
        ToolRun run = await ToolRun.RunAsync(
            Tools.OpenSsl,
            ["s_client", "-connect", $"127.0.0.1:{node.Port.ToString(CultureInfo.InvariantCulture)}", "-ign_eof",
                "-CAfile", _pki.CaPath, "-verify_return_error", "-cert", clientCert, "-key", clientKey],
            standardInput: "set k 0 0 2\r\nhi\r\nget k\r\nquit\r\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("STORED", run.Output, StringComparison.Ordinal);
        Assert.Contains("VALUE k 0 2", run.Output, StringComparison.Ordinal);
        Assert.Contains("END", run.Output, StringComparison.Ordinal);
    }
}
