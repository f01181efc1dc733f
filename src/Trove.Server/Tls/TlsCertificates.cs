using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trove.Server.Tls;

/// <summary>
/// The node's TLS material: server certificate and key, and the CA that client certificates must chain to when one
/// is configured. <see cref="Refresh"/> (memcached's refresh_certs) re-reads the files and swaps the whole set at
/// once; handshakes already done keep their certificate, every later one gets the new set. A failed refresh keeps
/// the old set in force.
/// </summary>
public sealed class TlsCertificates
{
    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly string? _caPath;
    private volatile Material _current;

    private TlsCertificates(string certPath, string keyPath, string? caPath, Material material)
    {
        _certPath = certPath;
        _keyPath = keyPath;
        _caPath = caPath;
        _current = material;
    }

    /// <summary>Time since the files were last loaded successfully (memcached's time_since_server_cert_refresh).</summary>
    public TimeSpan SinceLastLoad => Stopwatch.GetElapsedTime(_current.LoadedAt);

    /// <summary>The certificate new handshakes present.</summary>
    public X509Certificate2 ServerCertificate => _current.Certificate;

    /// <summary>Whether clients must present a certificate issued by the configured CA.</summary>
    public bool RequiresClientCertificate => _caPath is not null;

    /// <summary>Loads the PEM files; throws <see cref="TlsLoadException"/> with memcached's message if one is unusable.</summary>
    public static TlsCertificates Load(string certPath, string keyPath, string? caPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(certPath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        return new TlsCertificates(certPath, keyPath, string.IsNullOrEmpty(caPath) ? null : caPath, Read(certPath, keyPath, caPath));
    }

    /// <summary>Re-reads the files (refresh_certs). On failure returns memcached's error text and keeps the old set.</summary>
    public bool Refresh(out string? error)
    {
        try
        {
            Material fresh = Read(_certPath, _keyPath, _caPath);
            _current = fresh; // older handshakes may still use the previous set, so it is left to the collector
            error = null;
            return true;
        }
        catch (TlsLoadException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Server options for one handshake, from the set current at that moment.</summary>
    public SslServerAuthenticationOptions CreateHandshakeOptions()
    {
        Material material = _current;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            ClientCertificateRequired = material.ClientAuthorities is not null,
            RemoteCertificateValidationCallback = material.ClientAuthorities is null ? null : material.ValidateClient,
            // memcached's default ssl_min_version is tlsv1.2.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
    }

    private static Material Read(string certPath, string keyPath, string? caPath)
    {
        X509Certificate2 certificate;
        X509Certificate2Collection chain = [];
        try
        {
            chain.ImportFromPemFile(certPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsLoadException($"Error loading the certificate chain: {certPath} : {ex.Message}", ex);
        }
        if (chain.Count == 0)
        {
            throw new TlsLoadException($"Error loading the certificate chain: {certPath} : no certificate in the file", null);
        }
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TlsLoadException($"Error loading the key: {keyPath} : {ex.Message}", ex);
        }

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrEmpty(caPath))
        {
            authorities = [];
            try
            {
                authorities.ImportFromPemFile(caPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new TlsLoadException($"Error loading the CA certificate: {caPath} : {ex.Message}", ex);
            }
            if (authorities.Count == 0)
            {
                throw new TlsLoadException($"Error loading the CA certificate: {caPath} : no certificate in the file", null);
            }
        }

        // Certificates after the first in the chain file are intermediates, sent along in every handshake.
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }
        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        return new Material(certificate, context, authorities);
    }

    private sealed class Material(X509Certificate2 certificate, SslStreamCertificateContext context, X509Certificate2Collection? clientAuthorities)
    {
        public long LoadedAt { get; } = Stopwatch.GetTimestamp();

        public X509Certificate2 Certificate { get; } = certificate;
        public SslStreamCertificateContext Context { get; } = context;
        public X509Certificate2Collection? ClientAuthorities { get; } = clientAuthorities;

        /// <summary>A client certificate must chain to one of the configured CAs (not the system's roots).</summary>
        public bool ValidateClient(object sender, X509Certificate? presented, X509Chain? _, SslPolicyErrors errors)
        {
            if (presented is null || ClientAuthorities is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(ClientAuthorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var certificate = new X509Certificate2(presented);
            return chain.Build(certificate);
        }
    }
}

/// <summary>A TLS file could not be used; the message is memcached's text for it.</summary>
public sealed class TlsLoadException(string message, Exception? inner) : Exception(message, inner);
