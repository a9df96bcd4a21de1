using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Inference.Dashboard.Security;

/// <summary>
/// The <c>Console:DataProtection</c> section: the secret the key ring is encrypted with before it is stored (the AppHost's
/// <c>console-key-ring-secret</c> parameter). Whoever reads the store without it cannot forge or read sign-in cookies.
/// </summary>
public sealed class KeyRingEncryptionOptions
{
    public const string SectionName = "Console:DataProtection";

    /// <summary>At least <see cref="MinimumSecretLength"/> characters; every console replica needs the same one.</summary>
    public string? KeyRingSecret { get; set; }

    public const int MinimumSecretLength = 32;

    /// <summary>The AES-256 key the ring's entries are sealed with, derived from the secret (HKDF-SHA256).</summary>
    internal byte[] EncryptionKey() =>
        KeyRingSecret is { Length: >= MinimumSecretLength } secret
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "inference-console key ring"u8.ToArray())
            : throw new InvalidOperationException(
                $"{SectionName}:KeyRingSecret must be set to at least {MinimumSecretLength} characters (the AppHost passes its " +
                "'console-key-ring-secret' parameter): the sign-in key ring is never stored unencrypted.");
}

/// <summary>Seals each key of the ring with AES-256-GCM before Data Protection stores it.</summary>
public sealed class KeyRingXmlEncryptor(IOptions<KeyRingEncryptionOptions> options) : IXmlEncryptor
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(options.Value.EncryptionKey(), TagBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        var element = new XElement(KeyRingXmlDecryptor.ElementName,
            new XAttribute("algorithm", "AES-256-GCM"),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }

    /// <summary>Opens what <see cref="Encrypt"/> sealed; a wrong secret or a changed entry fails the authentication tag.</summary>
    internal static XElement Decrypt(XElement encryptedElement, byte[] key)
    {
        var sealedBytes = Convert.FromBase64String(encryptedElement.Element("value")?.Value
            ?? throw new CryptographicException("The encrypted key has no value."));
        var plaintext = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plaintext);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>Data Protection creates this by its type name (with the app's services) to read a sealed key back.</summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public const string ElementName = "sealedKey";

    public XElement Decrypt(XElement encryptedElement) =>
        KeyRingXmlEncryptor.Decrypt(encryptedElement, services.GetRequiredService<IOptions<KeyRingEncryptionOptions>>().Value.EncryptionKey());
}
