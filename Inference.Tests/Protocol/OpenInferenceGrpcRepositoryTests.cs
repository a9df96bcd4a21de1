using Grpc.Core;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;
using static Inference.Tests.Protocol.GrpcTensors;

namespace Inference.Tests.Protocol;

/// <summary>Triton's statistics and model repository extensions over gRPC.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceGrpcRepositoryTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint, fixture.AdminKey);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task IndexListsServedVersionsAndModelsThatCannotServe()
    {
        var all = await Client.RepositoryIndexAsync(new RepositoryIndexRequest(), cancellationToken: Cancellation);
        var ready = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, cancellationToken: Cancellation);

        Assert.Contains(all.Models, model => (model.Name, model.Version, model.State) == ("simple", "1", "READY"));
        var broken = Assert.Single(all.Models, model => model.Name == "broken");
        Assert.Equal("UNAVAILABLE", broken.State);
        Assert.False(string.IsNullOrEmpty(broken.Reason));
        Assert.DoesNotContain(ready.Models, model => model.Name == "broken");
        Assert.All(ready.Models, model => Assert.Equal("READY", model.State));
    }

    [Fact]
    public async Task StatisticsCountInferences()
    {
        var before = await StatisticsAsync("identity_int32");
        await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "identity_int32",
            Inputs = { Input("INPUT0", "INT32", [2, 1]) },
            RawInputContents = { Raw(1, 2) },
        }, cancellationToken: Cancellation);

        var after = await StatisticsAsync("identity_int32");

        Assert.Equal(("identity_int32", "1"), (after.Name, after.Version));
        Assert.Equal(before.InferenceStats.Success.Count + 1, after.InferenceStats.Success.Count);
        Assert.True(after.InferenceCount > before.InferenceCount);
        Assert.True(after.ExecutionCount > before.ExecutionCount);
        Assert.True(after.InferenceStats.Success.Ns > before.InferenceStats.Success.Ns);
        Assert.NotEmpty(after.BatchStats);
    }

    [Fact]
    public async Task StatisticsOfAnUnknownModelAreNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "no-such-model" }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task UnloadedModelIsNotReadyUntilLoadedAgain()
    {
        const string model = "identity_uint16";

        await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model }, cancellationToken: Cancellation);
        var afterUnload = await Client.ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: Cancellation);
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model }, cancellationToken: Cancellation);
        var afterLoad = await Client.ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: Cancellation);

        Assert.False(afterUnload.Ready);
        Assert.True(afterLoad.Ready);
    }

    [Fact]
    public async Task IndexKeepsAnUnloadedModelAsUnavailableUntilLoadedAgain()
    {
        const string model = "identity_uint16";

        await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model }, cancellationToken: Cancellation);
        var whileUnloaded = await Client.RepositoryIndexAsync(new RepositoryIndexRequest(), cancellationToken: Cancellation);
        var readyWhileUnloaded = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, cancellationToken: Cancellation);
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model }, cancellationToken: Cancellation);
        var afterLoad = await Client.RepositoryIndexAsync(new RepositoryIndexRequest(), cancellationToken: Cancellation);

        var unloaded = Assert.Single(whileUnloaded.Models, row => row.Name == model);
        Assert.Equal(("1", "UNAVAILABLE", "unloaded"), (unloaded.Version, unloaded.State, unloaded.Reason));
        Assert.DoesNotContain(readyWhileUnloaded.Models, row => row.Name == model);
        var loaded = Assert.Single(afterLoad.Models, row => row.Name == model);
        Assert.Equal(("1", "READY", ""), (loaded.Version, loaded.State, loaded.Reason));
    }

    [Fact]
    public async Task LoadingAModelThatCannotLoadSaysWhy()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "broken" }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'broken' failed to load", error.Status.Detail);
    }

    [Fact]
    public async Task UnloadingAModelThatIsNotLoadedIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "no-such-model" }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private async Task<ModelStatistics> StatisticsAsync(string model)
    {
        var response = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model }, cancellationToken: Cancellation);
        return Assert.Single(response.ModelStats);
    }
}

/// <summary>Tests that unload models and tests that use those models never run at the same time.</summary>
[CollectionDefinition(Name)]
public sealed class GrpcModelCollection
{
    public const string Name = "gRPC model repository";
}
