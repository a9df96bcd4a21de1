using Inference.Tests.EndToEnd;

namespace Inference.Tests.Security;

/// <summary>Every REST operation and gRPC method, called by every kind of caller, with keys required (as in production).</summary>
[Collection(SecuredApiCollection.Name)]
public sealed class AuthorizationMatrixWithKeysRequiredTests(SecuredApiFixture fixture)
{
    [Fact]
    public async Task EveryOperationAnswersEachCallerAsTheTableSays()
    {
        // The secured AppHost serves only the project's models; digits is reloaded after each unload.
        var problems = await AuthorizationMatrixSetup.RunAsync(AuthorizationMatrix.KeysRequired, fixture.AdminApi,
            key => key is null ? fixture.App.CreateHttpClient(SecuredApiFixture.ApiResource, "http") : fixture.ClientWithKey(key),
            fixture.App.GetEndpoint(SecuredApiFixture.ApiResource, "grpc"), model: "digits");

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}

/// <summary>The same with keys not required (local development, the shared AppHost).</summary>
public sealed class AuthorizationMatrixWithKeysOptionalTests(AppHostFixture fixture)
{
    [Fact]
    public async Task EveryOperationAnswersEachCallerAsTheTableSays()
    {
        // A model of this test's own, so unloading it and splitting its traffic cannot disturb tests running beside it.
        var model = $"matrix-{Guid.NewGuid():N}"[..15];
        CopyDirectory(Path.Combine(TestPaths.TestModels, "simple"), Path.Combine(fixture.ReferenceModelsPath, model));

        var problems = await AuthorizationMatrixSetup.RunAsync(AuthorizationMatrix.KeysOptional, fixture.AdminApi,
            key => key is null
                ? fixture.App.CreateHttpClient("inference-api", "http")
                : ApiKeyClient.WithKey(fixture.App.CreateHttpClient("inference-api", "http"), key),
            fixture.GrpcEndpoint, model);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>Creates the callers' keys and A's job, then runs the matrix.</summary>
internal static class AuthorizationMatrixSetup
{
    /// <summary>Well-formed, never issued.</summary>
    private const string BogusKey = "inf_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    public static async Task<List<string>> RunAsync(
        string mode, HttpClient bootstrap, Func<string?, HttpClient> clientFor, Uri grpcEndpoint, string model)
    {
        var keys = new Dictionary<MatrixCaller, string?>
        {
            [MatrixCaller.None] = null,
            [MatrixCaller.Bogus] = BogusKey,
            [MatrixCaller.InferA] = (await ApiKeyClient.CreateAsync(bootstrap, "matrix A", "infer")).Key,
            [MatrixCaller.InferB] = (await ApiKeyClient.CreateAsync(bootstrap, "matrix B", "infer")).Key,
            [MatrixCaller.Admin] = (await ApiKeyClient.CreateAsync(bootstrap, "matrix admin", "admin")).Key,
        };
        var clients = keys.ToDictionary(pair => pair.Key, pair => clientFor(pair.Value));
        try
        {
            var jobOfA = await BatchJobClient.SubmitAsync(clients[MatrixCaller.InferA], new { items = new[] { "A's private text" } });
            var subjects = new MatrixSubjects { Bootstrap = bootstrap, OwnerA = clients[MatrixCaller.InferA], JobOfA = jobOfA.Id, Model = model };
            await subjects.LoadModelAsync();
            return await new AuthorizationMatrixRunner(mode, clients[MatrixCaller.None], clients, keys, grpcEndpoint, subjects).RunAsync();
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }
}
