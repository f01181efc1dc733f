namespace Trove.Protocol.Meta;

/// <summary>
/// The meta flags seen on a command line, one bit per flag character. memcached 1.6.18 accepts every one of these
/// on mg, ms, md and ma alike (each command ignores the ones it does not use); any other character is an invalid flag.
/// </summary>
[Flags]
public enum MetaFlags : uint
{
    None = 0,
    /// <summary>b: the key is base64 encoded binary; returned keys are base64 too.</summary>
    Base64Key = 1u << 0,
    /// <summary>c: return the CAS value.</summary>
    ReturnCas = 1u << 1,
    /// <summary>f: return the client flags.</summary>
    ReturnFlags = 1u << 2,
    /// <summary>h: return whether the item was fetched before.</summary>
    ReturnHit = 1u << 3,
    /// <summary>k: return the key.</summary>
    ReturnKey = 1u << 4,
    /// <summary>l: return seconds since last access.</summary>
    ReturnLastAccess = 1u << 5,
    /// <summary>q: quiet; suppress the nominal reply.</summary>
    Quiet = 1u << 6,
    /// <summary>s: return the value size.</summary>
    ReturnSize = 1u << 7,
    /// <summary>t: return the remaining TTL.</summary>
    ReturnTtl = 1u << 8,
    /// <summary>u: do not bump the item in the LRU.</summary>
    NoBump = 1u << 9,
    /// <summary>v: return the value.</summary>
    ReturnValue = 1u << 10,
    /// <summary>I: invalidate (mark stale).</summary>
    Invalidate = 1u << 11,
    /// <summary>O(token): opaque, echoed back.</summary>
    Opaque = 1u << 12,
    /// <summary>P(token): proxy hint, ignored.</summary>
    ProxyPath = 1u << 13,
    /// <summary>L(token): proxy hint, ignored.</summary>
    ProxyLabel = 1u << 14,
    /// <summary>N(token): vivify on miss with this TTL.</summary>
    Vivify = 1u << 15,
    /// <summary>R(token): win the recache token when the TTL is below this.</summary>
    Recache = 1u << 16,
    /// <summary>T(token): set the TTL.</summary>
    Ttl = 1u << 17,
    /// <summary>F(token): client flags to store.</summary>
    ClientFlags = 1u << 18,
    /// <summary>C(token): compare CAS.</summary>
    CompareCas = 1u << 19,
    /// <summary>M(token): mode switch.</summary>
    Mode = 1u << 20,
    /// <summary>J(token): initial value for ma vivify.</summary>
    Initial = 1u << 21,
    /// <summary>D(token): delta for ma.</summary>
    Delta = 1u << 22,
}
