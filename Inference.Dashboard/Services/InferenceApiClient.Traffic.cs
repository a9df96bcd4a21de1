using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Inference.Dashboard.Services;

public sealed partial class InferenceApiClient
{
    /// <summary>A model's traffic split, or null when it has none (its newest version serves).</summary>
    public async Task<TrafficSplit?> GetTrafficSplitAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TrafficRoute(model));
        return await SendOrNotFoundAsync<TrafficSplit>(request, cancellationToken);
    }

    /// <summary>Sets a model's split; the API answers 400 with the reason when the weights or versions don't fit.</summary>
    public async Task<TrafficSplit> PutTrafficSplitAsync(string model, TrafficSplitRequest split, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, TrafficRoute(model)) { Content = JsonContent.Create(split) };
        return await SendAsync<TrafficSplit>(request, cancellationToken);
    }

    /// <summary>Removes a model's split; false when it had none.</summary>
    public async Task<bool> DeleteTrafficSplitAsync(string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, TrafficRoute(model));
        try
        {
            await SendAsync(request, cancellationToken);
            return true;
        }
        catch (InferenceApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The newest audit entries of one action (e.g. <c>traffic.set</c>) on one target (e.g. <c>model:sentiment</c>).</summary>
    public async Task<AuditPage> GetAuditAsync(string? action, string? target, int limit = 20, CancellationToken cancellationToken = default)
    {
        var query = new Dictionary<string, string?>
        {
            ["action"] = action,
            ["target"] = target,
            ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/audit" + QueryString.Create(query.Where(pair => pair.Value is not null)));
        return await SendAsync<AuditPage>(request, cancellationToken);
    }

    private static string TrafficRoute(string model) => $"api/admin/models/{Uri.EscapeDataString(model)}/traffic";
}
