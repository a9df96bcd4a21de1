using Inference.Dashboard.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// Where the console's Data Protection key ring (which protects the sign-in cookies) lives and how it is kept: in Redis,
/// shared by every replica and surviving restarts, or (the AppHost's embedded mode: one console, no Redis) in a folder;
/// either way each key sealed with a secret of the console's own.
/// </summary>
public static class ConsoleKeyRingExtensions
{
    /// <summary>The AppHost's Redis, where the key ring lives.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>A folder for the key ring instead of Redis (the AppHost's embedded mode sets it).</summary>
    public const string KeyRingDirectoryKey = "Console:KeyRingDirectory";

    private const string RedisKey = "inference-console:data-protection-keys";

    public static IHostApplicationBuilder AddConsoleKeyRing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KeyRingEncryptionOptions>().Bind(builder.Configuration.GetSection(KeyRingEncryptionOptions.SectionName))
            .Validate(options => options.KeyRingSecret is { Length: >= KeyRingEncryptionOptions.MinimumSecretLength },
                $"{KeyRingEncryptionOptions.SectionName}:KeyRingSecret must be at least {KeyRingEncryptionOptions.MinimumSecretLength} characters.")
            .ValidateOnStart();
        var dataProtection = services.AddDataProtection().SetApplicationName("inference-console");
        if (builder.Configuration[KeyRingDirectoryKey] is { Length: > 0 } keyRingDirectory)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keyRingDirectory));
        }
        else
        {
            builder.AddRedisClient(RedisConnectionName);
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
                options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKey));
        }
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<KeyRingEncryptionOptions>>((options, encryption) =>
            options.XmlEncryptor = new KeyRingXmlEncryptor(encryption));
        return builder;
    }
}
