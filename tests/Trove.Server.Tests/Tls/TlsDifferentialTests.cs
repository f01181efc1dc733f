using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Trove.Server.Tests.Differential;
using Trove.Server.Tests.Infrastructure;

namespace Trove.Server.Tests.Tls;

/// <summary>
/// The TLS port against memcached 1.6.18 started with -Z and the same certificate files (ssl_chain_cert, ssl_key, and
/// ssl_ca_cert with ssl_verify_mode=3): the same conversation over TLS, the same bytes back after
/// <see cref="ReplyMask"/>, stats and stats settings included.
/// </summary>
public sealed class TlsDifferentialTests : IDisposable
{
    private readonly TestCertificates _pki = new();

    public TlsDifferentialTests() => _pki.WriteServerCertificate("trove-differential").Dispose();

    public void Dispose() => _pki.Dispose();

    private static readonly LineStep[] Conversation =
    [
        new("set greeting 3 0 5\r\nhello\r\nget greeting\r\nmg greeting v f\r\nversion\r\n"),
        new("refresh_certs\r\n"),
        new("stats\r\n"),
        new("stats settings\r\n"),
    ];

    [Fact]
    public Task A_tls_client_gets_what_memcached_sends() =>
        CompareAsync(ServerSettings.Default with { Tls = (_pki.CertPath, _pki.KeyPath) }, clientCertificate: null);

    [Fact]
    public async Task A_client_with_a_certificate_the_ca_issued_gets_what_memcached_sends()
    {
        using X509Certificate2 issued = _pki.ClientCertificate(issuedByAuthority: true);
        await CompareAsync(ServerSettings.Default with { Tls = (_pki.CertPath, _pki.KeyPath), TlsCa = _pki.CaPath }, issued);
    }

    private static async Task CompareAsync(ServerSettings settings, X509Certificate2? clientCertificate)
    {
        Task<MemcachedProcess> startingReference = MemcachedProcess.StartAsync(settings);
        Task<IServerUnderTest> startingCandidate = Candidate.StartAsync(settings);
        await using MemcachedProcess reference = await startingReference;
        await using IServerUnderTest candidate = await startingCandidate;

        async Task<Stream> Handshake(Stream plain)
        {
            // Which certificate is presented is the TLS tests' business; here only the conversation is compared.
            var tls = new SslStream(plain, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            });
            return tls;
        }

        Transcript expected = await LineClient.ExchangeAsync(reference.Port, Conversation, Handshake);
        Transcript actual = await LineClient.ExchangeAsync(candidate.Port, Conversation, Handshake);

        Assert.True(expected.End == ExchangeEnd.Sentinel, $"case error: memcached did not answer everything: {expected}");
        List<string> left = [.. ReplyMask.Lines(ReplyMask.Apply(expected.Reply))];
        List<string> right = [.. ReplyMask.Lines(ReplyMask.Apply(actual.Reply))];
        if (expected.End != actual.End || ReplyComparer.FirstDifference(left, right) is not null)
        {
            Assert.Fail(TranscriptDiff.Describe("tls", expected, actual, candidate.Name));
        }
    }
}
