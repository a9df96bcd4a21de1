using Inference.Api.Grpc.Protocol;
using Grpc.Core;
using Inference.Tests.EndToEnd;
using Inference.Tests.Protocol;

namespace Inference.Tests.Security;

/// <summary>How to call one gRPC method; <see cref="Restore"/> puts back what the call may have changed.</summary>
public sealed record MatrixGrpcCall(Func<GRPCInferenceService.GRPCInferenceServiceClient, MatrixSubjects, CancellationToken, Task> Call,
    Func<MatrixSubjects, Task>? Prepare = null, Func<MatrixSubjects, Task>? Restore = null);

/// <summary>A call for every method of <c>inference.GRPCInferenceService</c>, keyed <c>grpc &lt;Method&gt;</c> as the table's rows.</summary>
public static class MatrixGrpcCalls
{
    public const string Prefix = "grpc ";

    public static readonly IReadOnlyDictionary<string, MatrixGrpcCall> All = new Dictionary<string, MatrixGrpcCall>
    {
        [Prefix + "ServerLive"] = new(async (client, _, token) => await client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: token)),
        [Prefix + "ServerReady"] = new(async (client, _, token) => await client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: token)),
        [Prefix + "ModelReady"] = new(async (client, _, token) =>
            await client.ModelReadyAsync(new ModelReadyRequest { Name = "sentiment" }, cancellationToken: token)),
        [Prefix + "ServerMetadata"] = new(async (client, _, token) => await client.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: token)),
        [Prefix + "ModelMetadata"] = new(async (client, _, token) =>
            await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "sentiment" }, cancellationToken: token)),
        [Prefix + "ModelInfer"] = new(async (client, _, token) => await client.ModelInferAsync(SentimentInfer(), cancellationToken: token)),
        [Prefix + "ModelStreamInfer"] = new(async (client, _, token) =>
        {
            using var stream = client.ModelStreamInfer(cancellationToken: token);
            try
            {
                await stream.RequestStream.WriteAsync(SentimentInfer(), token);
                await stream.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // The server may end a refused call before the request is written (the write then fails as Cancelled,
                // depending on timing): the call's own status is the one the response stream throws below.
            }
            await foreach (var answer in stream.ResponseStream.ReadAllAsync(token))
            {
                Assert.Empty(answer.ErrorMessage);
            }
        }),
        [Prefix + "ModelConfig"] = new(async (client, _, token) =>
            await client.ModelConfigAsync(new ModelConfigRequest { Name = "sentiment" }, cancellationToken: token)),
        [Prefix + "ModelStatistics"] = new(async (client, _, token) =>
            await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "sentiment" }, cancellationToken: token)),
        [Prefix + "RepositoryIndex"] = new(async (client, _, token) => await client.RepositoryIndexAsync(new RepositoryIndexRequest(), cancellationToken: token)),
        [Prefix + "RepositoryModelLoad"] = new(async (client, subjects, token) =>
            await client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = subjects.Model }, cancellationToken: token)),
        [Prefix + "RepositoryModelUnload"] = new(
            async (client, subjects, token) =>
                await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = subjects.Model }, cancellationToken: token),
            Prepare: subjects => subjects.LoadModelAsync(),
            Restore: subjects => subjects.LoadModelAsync()),
    };

    /// <summary>Every method the generated service descriptor declares, as the table names them.</summary>
    public static IEnumerable<string> DeclaredMethods() => GRPCInferenceService.Descriptor.Methods.Select(method => Prefix + method.Name);

    // "[CLS] i loved it [SEP]" in models/sentiment/1/vocab.txt, as raw little-endian INT64.
    private static ModelInferRequest SentimentInfer() => new()
    {
        ModelName = "sentiment",
        Inputs =
        {
            GrpcTensors.Input("input_ids", "INT64", [1, 5]),
            GrpcTensors.Input("attention_mask", "INT64", [1, 5]),
        },
        RawInputContents = { GrpcTensors.Raw(2L, 13L, 195L, 75L, 3L), GrpcTensors.Raw(1L, 1L, 1L, 1L, 1L) },
    };
}
