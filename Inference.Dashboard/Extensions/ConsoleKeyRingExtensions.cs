using Inference.Dashboard.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Inference.Dashboard.Extensions;

/// <summary>
/// Where the console's Data Protection key ring (which protects the sign-in cookies) lives and how it is kept: in Redis,
/// shared by every replica and surviving restarts, each key sealed with a secret of the console's own.
/// </summary>
public static class ConsoleKeyRingExtensions
{
    /// <summary>The AppHost's Redis, where the key ring lives.</summary>
    public const string RedisConnectionName = "redis";

    private const string RedisKey = "inference-console:data-protection-keys";

    public static IHostApplicationBuilder AddConsoleKeyRing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddRedisClient(RedisConnectionName);
        services.AddOptions<KeyRingEncryptionOptions>().Bind(builder.Configuration.GetSection(KeyRingEncryptionOptions.SectionName))
            .Validate(options => options.KeyRingSecret is { Length: >= KeyRingEncryptionOptions.MinimumSecretLength },
                $"{KeyRingEncryptionOptions.SectionName}:KeyRingSecret must be at least {KeyRingEncryptionOptions.MinimumSecretLength} characters.")
            .ValidateOnStart();
        services.AddDataProtection().SetApplicationName("inference-console");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer, IOptions<KeyRingEncryptionOptions>>((options, redis, encryption) =>
        {
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKey);
            options.XmlEncryptor = new KeyRingXmlEncryptor(encryption);
        });
        return builder;
    }
}
