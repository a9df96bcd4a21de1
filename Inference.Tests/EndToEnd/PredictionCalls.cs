using System.Net.Http.Json;
using Npgsql;

namespace Inference.Tests.EndToEnd;

/// <summary>A text prediction with the headers that say how it was served.</summary>
public sealed record ServedText(PredictionDto Prediction, int VersionHeader, string CacheHeader);

/// <summary>Calls and log queries shared by the cache, traffic and analytics tests.</summary>
public static class PredictionCalls
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<ServedText> PredictTextAsync(
        HttpClient api, object body, string? query = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict/text" + query) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await api.SendAsync(request, Cancellation);
        var content = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {content}");
        var prediction = System.Text.Json.JsonSerializer.Deserialize<PredictionDto>(content, System.Text.Json.JsonSerializerOptions.Web)!;
        return new ServedText(
            prediction,
            int.Parse(response.Headers.GetValues("X-Model-Version").Single(), System.Globalization.CultureInfo.InvariantCulture),
            response.Headers.GetValues("X-Cache").Single());
    }

    /// <summary>Runs a scalar query until it satisfies <paramref name="done"/> (the log is written off the request path).</summary>
    public static async Task<long> PollCountAsync(string connectionString, string sql, Func<long, bool> done, TimeSpan? timeout = null,
        params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await Eventually.PollAsync(async cancellationToken =>
        {
            try
            {
                if (connection.State != System.Data.ConnectionState.Open)
                {
                    await connection.OpenAsync(cancellationToken);
                }

                await using var command = new NpgsqlCommand(sql, connection);
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue(name, value);
                }

                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (NpgsqlException)
            {
                // Postgres may be on its way back from a stop.
                await connection.CloseAsync();
                return -1L;
            }
        }, done, timeout ?? TimeSpan.FromSeconds(20), count => $"the count is {count} (-1: Postgres did not answer) for: {sql}",
            Cancellation, TimeSpan.FromMilliseconds(250));
    }
}
