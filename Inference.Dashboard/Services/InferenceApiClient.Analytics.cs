using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>A model's per-version statistics and time buckets over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<ModelAnalytics> GetAnalyticsAsync(
        string model, DateTimeOffset from, DateTimeOffset to, string? bucket, CancellationToken cancellationToken = default)
    {
        var query = Window(from, to);
        query["bucket"] = bucket;
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/admin/analytics/models/{Uri.EscapeDataString(model)}" + QueryString.Create(query.Where(pair => pair.Value is not null)));
        return await SendAsync<ModelAnalytics>(request, cancellationToken);
    }

    /// <summary>Versions <paramref name="a"/> and <paramref name="b"/> side by side over the window.</summary>
    public async Task<VersionComparison> CompareVersionsAsync(
        string model, int a, int b, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var query = Window(from, to);
        query["a"] = a.ToString(CultureInfo.InvariantCulture);
        query["b"] = b.ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/admin/analytics/models/{Uri.EscapeDataString(model)}/compare" + QueryString.Create(query));
        return await SendAsync<VersionComparison>(request, cancellationToken);
    }

    private static Dictionary<string, string?> Window(DateTimeOffset from, DateTimeOffset to) => new()
    {
        ["from"] = from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        ["to"] = to.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
    };
}
