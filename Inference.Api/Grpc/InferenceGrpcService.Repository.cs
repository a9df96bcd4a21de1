using Grpc.Core;
using Inference.Api.Auditing;
using Inference.Api.Grpc.Protocol;
using Inference.Api.OpenInference;
using Inference.Api.Security;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Authorization;

namespace Inference.Api.Grpc;

/// <summary>Triton's statistics and model repository extensions over gRPC.</summary>
internal sealed partial class InferenceGrpcService
{
    /// <summary>Cumulative figures of every served version of the named model (every model when none is named).</summary>
    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        var response = new ModelStatisticsResponse();
        response.ModelStats.Add(metadata.StatisticsScope(request.Name, ProtocolVersions.Parse(request.Version)).Select(ToProto));
        return Task.FromResult(response);
    }

    /// <summary>Every model folder with its versions and state, as REST's index lists them.</summary>
    [Authorize(Policy = AccessPolicies.Admin)]
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
    {
        var response = new RepositoryIndexResponse();
        response.Models.Add(metadata.RepositoryIndex(request.Ready).Select(row =>
            new RepositoryIndexResponse.Types.ModelIndex { Name = row.Name, Version = row.Version, State = row.State, Reason = row.Reason }));
        return Task.FromResult(response);
    }

    /// <summary>Loads or reloads a model; a model whose load fails is an error here, as in Triton.</summary>
    [Authorize(Policy = AccessPolicies.Admin)]
    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        var loaded = await models.LoadAsync(request.ModelName, Caller(context), AuditChannels.Grpc, context.CancellationToken);
        return loaded.State == ModelStates.Ready
            ? new RepositoryModelLoadResponse()
            : throw InferenceException.InvalidInput($"Model '{loaded.Name}' failed to load: {loaded.Reason}");
    }

    [Authorize(Policy = AccessPolicies.Admin)]
    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        await models.UnloadAsync(request.ModelName, Caller(context), AuditChannels.Grpc, context.CancellationToken);
        return new RepositoryModelUnloadResponse();
    }

    private static ApiCaller Caller(ServerCallContext context) => ApiCaller.From(context.GetHttpContext().User);

    private static Protocol.ModelStatistics ToProto(ModelVersion version)
    {
        var snapshot = version.Statistics.Snapshot();
        var statistics = new Protocol.ModelStatistics
        {
            Name = version.Name,
            Version = version.Version.ToString(),
            LastInference = (ulong)snapshot.LastInferenceMs,
            InferenceCount = (ulong)snapshot.InferenceCount,
            ExecutionCount = (ulong)snapshot.ExecutionCount,
            InferenceStats = new InferStatistics
            {
                Success = ToProto(snapshot.Success),
                Fail = ToProto(snapshot.Fail),
                Queue = ToProto(snapshot.Queue),
                ComputeInput = new StatisticDuration(),
                ComputeInfer = ToProto(snapshot.ComputeInfer),
                ComputeOutput = new StatisticDuration(),
            },
        };
        statistics.BatchStats.Add(snapshot.Batches.Select(batch => new InferBatchStatistics
        {
            BatchSize = (ulong)batch.BatchSize,
            ComputeInput = new StatisticDuration(),
            ComputeInfer = ToProto(batch.ComputeInfer),
            ComputeOutput = new StatisticDuration(),
        }));
        return statistics;
    }

    private static StatisticDuration ToProto(StatisticsDuration duration) => new() { Count = (ulong)duration.Count, Ns = (ulong)duration.Ns };
}
