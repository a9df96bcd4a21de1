using Npgsql;

namespace Inference.Tests.EndToEnd;

[Collection(IsolatedApiCollection.Name)]
public sealed class PredictionLogRetentionTests(IsolatedApiFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EntriesOlderThanTheRetentionAreDeletedAndNewerOnesKept()
    {
        var route = $"retention-{Guid.NewGuid():N}"[..40];
        var connectionString = await fixture.GetConnectionStringAsync("inferencedb");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Cancellation);
            // The default retention is 30 days.
            await using var insert = new NpgsqlCommand("""
                INSERT INTO predictions ("CreatedAt", "Model", "ModelVersion", "Route", "InputHash", "Score", "InferenceTimeMs", "Cached")
                VALUES (now() - interval '31 days', 'sentiment', 1, @route, 'old', 0, 0, false),
                       (now() - interval '29 days', 'sentiment', 1, @route, 'recent', 0, 0, false)
                """, connection);
            insert.Parameters.AddWithValue("route", route);
            await insert.ExecuteNonQueryAsync(Cancellation);
        }

        var old = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "Route" = @route AND "InputHash" = 'old'""", count => count == 0,
            parameters: ("route", route));
        var recent = await PredictionCalls.PollCountAsync(connectionString,
            """SELECT count(*) FROM predictions WHERE "Route" = @route AND "InputHash" = 'recent'""", count => count == 1,
            parameters: ("route", route));

        Assert.Equal((0L, 1L), (old, recent));
    }
}
