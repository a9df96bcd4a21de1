using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Inference.Api.Security;

/// <summary>
/// Keys look like <c>inf_&lt;8-character public prefix&gt;_&lt;40 random characters&gt;</c>. The prefix finds the stored key;
/// only a SHA-256 hash of the whole key is stored (a fast hash suffices: 238 random bits cannot be guessed offline).
/// </summary>
public static class ApiKeyFormat
{
    private const string Marker = "inf_";
    private const int PrefixLength = 8;
    private const int SecretLength = 40;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new key from the operating system's CSPRNG, and its public prefix.</summary>
    public static (string Key, string Prefix) Generate()
    {
        var prefix = RandomNumberGenerator.GetString(Alphabet, PrefixLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return ($"{Marker}{prefix}_{secret}", prefix);
    }

    /// <summary>The public prefix of a key in this format; false for anything else.</summary>
    public static bool TryGetPrefix(string key, [NotNullWhen(true)] out string? prefix)
    {
        prefix = null;
        if (key.Length != Marker.Length + PrefixLength + 1 + SecretLength
            || !key.StartsWith(Marker, StringComparison.Ordinal)
            || key[Marker.Length + PrefixLength] != '_')
        {
            return false;
        }
        prefix = key.Substring(Marker.Length, PrefixLength);
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Constant-time comparison of two hashes.</summary>
    public static bool Matches(byte[] presentedHash, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(presentedHash, storedHash);
}
