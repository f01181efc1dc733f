using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trove.Server.Tests.Tls;

/// <summary>
/// A throwaway PKI made in the test: a CA, server certificates for 127.0.0.1 it issued, a client certificate it
/// issued and a self-signed client certificate it did not. PEM files go to a temporary directory.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"trove-tls-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        var request = new CertificateRequest("CN=Trove Test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(CaPath, Authority.ExportCertificatePem());
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    public string CertPath => Path.Combine(Directory, "server.crt");

    public string KeyPath => Path.Combine(Directory, "server.key");

    public string CaPath => Path.Combine(Directory, "ca.crt");

    /// <summary>Issues a new server certificate and writes it over server.crt/server.key; returns it (with key).</summary>
    public X509Certificate2 WriteServerCertificate(string commonName)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 issued = Issue(request);
        File.WriteAllText(CertPath, issued.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        return X509Certificate2.CreateFromPem(issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A client certificate with its key: issued by the CA, or self-signed.</summary>
    public X509Certificate2 ClientCertificate(bool issuedByAuthority)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=trove-client", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        X509Certificate2 withKey;
        if (issuedByAuthority)
        {
            using X509Certificate2 issued = Issue(request);
            withKey = issued.CopyWithPrivateKey(key);
        }
        else
        {
            withKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        }
        // Through PKCS#12 so SslStream on Linux can use the key for the client handshake.
        using (withKey)
        {
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>Writes a client certificate and key as PEM files for openssl s_client; returns (cert, key) paths.</summary>
    public (string Cert, string Key) WriteClientPem()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=openssl-client", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 issued = Issue(request);
        string cert = Path.Combine(Directory, "client.crt");
        string keyPath = Path.Combine(Directory, "client.key");
        File.WriteAllText(cert, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyPath);
    }

    public void Dispose()
    {
        Authority.Dispose();
        _caKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Issue(CertificateRequest request)
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return request.Create(Authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), serial);
    }
}
