using System.Net;
using System.Net.Http.Json;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Security;

/// <summary>
/// What the matrix calls operations on: A's job, a model that may be loaded, unloaded and split, and the clients that
/// prepare targets (always the bootstrap admin key, never the caller under test).
/// </summary>
public sealed class MatrixSubjects
{
    public required HttpClient Bootstrap { get; init; }

    /// <summary>Sends A's key: submits the jobs the job routes are tried on.</summary>
    public required HttpClient OwnerA { get; init; }

    /// <summary>A job of A's, with a result or still queued.</summary>
    public required Guid JobOfA { get; init; }

    /// <summary>A model with a version 1 that may be reloaded, unloaded (then loaded again) and given a traffic split.</summary>
    public required string Model { get; init; }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A fresh job of A's, so that each caller's cancel finds one that is still running.</summary>
    public async Task<Guid> NewJobOfAAsync() =>
        (await BatchJobClient.SubmitAsync(OwnerA, new { items = BatchJobClient.Reviews(500, " (matrix)") })).Id;

    /// <summary>A fresh key to rotate or revoke.</summary>
    public async Task<Guid> NewThrowawayKeyAsync() => (await ApiKeyClient.CreateAsync(Bootstrap, "matrix throwaway", "infer")).Id;

    public async Task LoadModelAsync()
    {
        var response = await Bootstrap.PostAsync($"/api/admin/models/{Model}/load", null, Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Loading {Model} answered {(int)response.StatusCode}.");
    }

    public async Task SetSplitAsync()
    {
        var response = await Bootstrap.PutAsJsonAsync($"/api/admin/models/{Model}/traffic", new { weights = new Dictionary<string, double> { ["1"] = 100 } }, Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Setting {Model}'s split answered {(int)response.StatusCode}.");
    }

    /// <summary>Removes the split if there is one (404 otherwise: nothing to undo).</summary>
    public async Task RemoveSplitAsync() => await Bootstrap.DeleteAsync($"/api/admin/models/{Model}/traffic", Cancellation);
}
