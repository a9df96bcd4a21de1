using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inference.Api.Grpc.Protocol;

using Inference.Tests.Protocol;

namespace Inference.Tests.EndToEnd;

/// <summary>Administrative changes land in the audit log with who, what, when, target, before and after, on every transport.</summary>
public sealed class AuditLogTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyCreateRotateAndRevokeAreAuditedWithTheActingKey()
    {
        var created = await ApiKeyClient.CreateAsync(fixture.AdminApi, "audited key", "infer");
        var rotation = await fixture.AdminApi.PostAsync($"/api/admin/keys/{created.Id}/rotate", null, Cancellation);
        var revoke = await fixture.AdminApi.DeleteAsync($"/api/admin/keys/{created.Id}", Cancellation);

        var entries = await ReadAllAsync($"target=key:{created.Id}");

        Assert.Equal(HttpStatusCode.Created, rotation.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(["key.revoke", "key.rotate", "key.create"], entries.Select(entry => entry.GetProperty("action").GetString()));
        Assert.All(entries, entry =>
        {
            Assert.Equal("bootstrap", entry.GetProperty("actorKeyId").GetString());
            Assert.Equal("rest", entry.GetProperty("via").GetString());
        });
        var (revoked, rotated, creation) = (entries[0], entries[1], entries[2]);
        Assert.Equal(JsonValueKind.Null, creation.GetProperty("before").ValueKind);
        Assert.Equal("audited key", creation.GetProperty("after").GetProperty("name").GetString());
        Assert.DoesNotContain(created.Key, creation.GetRawText());
        Assert.Equal(created.Id, rotated.GetProperty("before").GetProperty("id").GetGuid());
        Assert.Equal(created.Id, rotated.GetProperty("after").GetProperty("rotatedFromId").GetGuid());
        Assert.Equal(JsonValueKind.Null, revoked.GetProperty("before").GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("after").GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task LoadsUnloadsAndTrafficChangesAreAuditedOnRestTheProtocolAndGrpcAndPageNewestFirst()
    {
        var model = NewThrowawayModel();
        var operatorKey = await ApiKeyClient.CreateAsync(fixture.AdminApi, "grpc operator", "admin");
        using var channel = GrpcTensors.Channel(fixture.GrpcEndpoint, operatorKey.Key);
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        await ExpectAsync(HttpStatusCode.OK, fixture.AdminApi.PostAsync($"/api/admin/models/{model}/load", null, Cancellation));
        await ExpectAsync(HttpStatusCode.OK, fixture.AdminApi.PutAsJsonAsync($"/api/admin/models/{model}/traffic",
            new { weights = new Dictionary<string, double> { ["1"] = 100 } }, Cancellation));
        await ExpectAsync(HttpStatusCode.NoContent, fixture.AdminApi.DeleteAsync($"/api/admin/models/{model}/traffic", Cancellation));
        await ExpectAsync(HttpStatusCode.NoContent, fixture.AdminApi.PostAsync($"/api/admin/models/{model}/unload", null, Cancellation));
        await ExpectAsync(HttpStatusCode.OK, fixture.AdminApi.PostAsync($"/v2/repository/models/{model}/load", null, Cancellation));
        await ExpectAsync(HttpStatusCode.OK, fixture.AdminApi.PostAsync($"/v2/repository/models/{model}/unload", null, Cancellation));
        await grpc.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model }, cancellationToken: Cancellation);
        await grpc.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model }, cancellationToken: Cancellation);

        var paged = await ReadAllAsync($"target=model:{model}", pageSize: 3);
        var unpaged = await ReadAllAsync($"target=model:{model}");
        var loadsOnly = await ReadAllAsync($"target=model:{model}&action=model.load");

        string[] expected = ["grpc model.unload", "grpc model.load", "v2 model.unload", "v2 model.load",
            "rest model.unload", "rest traffic.delete", "rest traffic.set", "rest model.load"];
        Assert.Equal(expected, paged.Select(entry => $"{entry.GetProperty("via").GetString()} {entry.GetProperty("action").GetString()}"));
        Assert.Equal(unpaged.Select(entry => entry.GetProperty("id").GetInt64()), paged.Select(entry => entry.GetProperty("id").GetInt64()));
        Assert.Equal(3, loadsOnly.Count);
        var (grpcUnload, firstLoad) = (paged[0], paged[^1]);
        Assert.Equal(operatorKey.Id.ToString(), grpcUnload.GetProperty("actorKeyId").GetString());
        Assert.Equal("grpc operator", grpcUnload.GetProperty("actorName").GetString());
        Assert.Equal("READY", grpcUnload.GetProperty("before").GetProperty("state").GetString());
        // Unloaded, the model stays in the repository as UNAVAILABLE (as Triton's index keeps it).
        Assert.Equal("UNAVAILABLE", grpcUnload.GetProperty("after").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, firstLoad.GetProperty("before").ValueKind);
        Assert.Equal([1], firstLoad.GetProperty("after").GetProperty("versions").EnumerateArray().Select(version => version.GetInt32()));
        var trafficSet = paged[^2];
        Assert.Equal(100, trafficSet.GetProperty("after").GetProperty("weights").GetProperty("1").GetDouble());
        Assert.Equal(100, paged[^3].GetProperty("before").GetProperty("weights").GetProperty("1").GetDouble());
    }

    [Fact]
    public async Task AnUnknownActionFilterIs400()
    {
        var response = await fixture.AdminApi.GetAsync("/api/admin/audit?action=key.delete", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("key.create", await response.Content.ReadAsStringAsync(Cancellation));
    }

    /// <summary>A copy of the tiny tensor model under a name of this test's own (not loaded until the test loads it).</summary>
    private string NewThrowawayModel()
    {
        var name = $"audit-{Guid.NewGuid():N}"[..14];
        var source = Path.Combine(TestPaths.TestModels, "simple");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(fixture.ReferenceModelsPath, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return name;
    }

    /// <summary>Every entry matching <paramref name="filter"/>, following the pages' <c>next</c> links.</summary>
    private async Task<List<JsonElement>> ReadAllAsync(string filter, int pageSize = 100)
    {
        var entries = new List<JsonElement>();
        string? next = $"/api/admin/audit?{filter}&limit={pageSize}";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 20, "The audit log kept offering more pages.");
            var page = JsonDocument.Parse(await fixture.AdminApi.GetStringAsync(next, Cancellation)).RootElement;
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }
        return entries;
    }

    private static async Task ExpectAsync(HttpStatusCode expected, Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
    }
}
