using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inference.Tests.EndToEnd;

/// <summary>With keys required: a job belongs to the key that submitted it; other keys cannot tell it exists, admins manage it.</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class JobOwnershipTests(SecuredApiFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnotherKeyGets404OnEveryRouteOfAJobAndDoesNotSeeItListed()
    {
        var a = await ApiKeyClient.CreateAsync(fixture.AdminApi, "owner A", "infer");
        var b = await ApiKeyClient.CreateAsync(fixture.AdminApi, "other B", "infer");
        using var clientA = fixture.ClientWithKey(a.Key);
        using var clientB = fixture.ClientWithKey(b.Key);
        var job = await BatchJobClient.SubmitAsync(clientA, new { items = new[] { "A's private review: the plot twist is that the butler did it" } });

        var routes = new[] { $"/api/jobs/{job.Id}", $"/api/jobs/{job.Id}/results", $"/api/jobs/{job.Id}/results?format=ndjson", $"/api/jobs/{job.Id}/results?format=csv" };
        var asB = new List<HttpResponseMessage>();
        foreach (var route in routes)
        {
            asB.Add(await clientB.GetAsync(route, Cancellation));
        }
        var cancelAsB = await clientB.DeleteAsync($"/api/jobs/{job.Id}", Cancellation);
        var unknownJob = await clientB.GetAsync($"/api/jobs/{Guid.NewGuid()}", Cancellation);
        var listedForB = await clientB.GetFromJsonAsync<JobDto[]>("/api/jobs?limit=100", Cancellation);
        var listedForA = await clientA.GetFromJsonAsync<JobDto[]>("/api/jobs?limit=100", Cancellation);
        var asA = await clientA.GetAsync(routes[0], Cancellation);
        var csvAsA = await clientA.GetAsync(routes[3], Cancellation);

        foreach (var response in asB.Append(cancelAsB))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            // The same answer as for a job that does not exist: nothing says it belongs to someone else.
            Assert.Equal(await TitleAsync(unknownJob), await TitleAsync(response));
        }
        Assert.Equal(HttpStatusCode.OK, asA.StatusCode);
        Assert.Equal("queued", (await asA.Content.ReadFromJsonAsync<JobDto>(Cancellation))!.State);
        Assert.Equal(HttpStatusCode.OK, csvAsA.StatusCode);
        Assert.DoesNotContain(listedForB!, listed => listed.Id == job.Id);
        Assert.Contains(listedForA!, listed => listed.Id == job.Id);
        Assert.DoesNotContain("ownerKeyId", await asA.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task AdminSeesEveryJobWithItsOwnerAndItsCancelIsAudited()
    {
        var a = await ApiKeyClient.CreateAsync(fixture.AdminApi, "owner A", "infer");
        var operatorKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "operator on call", "admin");
        using var clientA = fixture.ClientWithKey(a.Key);
        using var admin = fixture.ClientWithKey(operatorKey.Key);
        var job = await BatchJobClient.SubmitAsync(clientA, new { items = new[] { "Queued until an admin cancels it" } });

        var seen = JsonDocument.Parse(await admin.GetStringAsync($"/api/jobs/{job.Id}", Cancellation)).RootElement;
        var listed = JsonDocument.Parse(await admin.GetStringAsync("/api/jobs?limit=100", Cancellation)).RootElement;
        var cancel = await admin.DeleteAsync($"/api/jobs/{job.Id}", Cancellation);
        var stateForA = await BatchJobClient.GetAsync(clientA, job.Id);
        var audit = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync($"/api/admin/audit?action=job.cancel&target=job:{job.Id}", Cancellation)).RootElement;

        Assert.Equal(a.Id.ToString(), seen.GetProperty("ownerKeyId").GetString());
        Assert.Equal("owner A", seen.GetProperty("ownerKeyName").GetString());
        Assert.Contains(listed.EnumerateArray(), item => item.GetProperty("id").GetGuid() == job.Id);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", stateForA.State);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal(operatorKey.Id.ToString(), entry.GetProperty("actorKeyId").GetString());
        Assert.Equal("operator on call", entry.GetProperty("actorName").GetString());
        Assert.Equal("queued", entry.GetProperty("before").GetProperty("state").GetString());
        Assert.Equal("cancelled", entry.GetProperty("after").GetProperty("state").GetString());
        Assert.Equal(a.Id.ToString(), entry.GetProperty("after").GetProperty("ownerKeyId").GetString());
    }

    private static async Task<string?> TitleAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("title").GetString();
}
