using System.Text.Json;
using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;

using Inference.Tests.Protocol;

namespace Inference.Tests.Security;

/// <summary>
/// Calls every operation of the OpenAPI document and every gRPC method with every <see cref="MatrixCaller"/> and compares
/// each outcome with the committed table. Rows missing for an operation, rows for operations that no longer exist, and
/// operations without a request recipe are failures too, so an endpoint cannot be added without deciding who may call it.
/// </summary>
public sealed class AuthorizationMatrixRunner(
    string mode, HttpClient documentClient, IReadOnlyDictionary<MatrixCaller, HttpClient> clients,
    IReadOnlyDictionary<MatrixCaller, string?> keys, Uri grpcEndpoint, MatrixSubjects subjects)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async Task<List<string>> RunAsync()
    {
        var table = AuthorizationMatrix.Load(mode);
        var documented = await DocumentedOperationsAsync();
        var declared = MatrixGrpcCalls.DeclaredMethods().ToHashSet();
        var problems = new List<string>();
        problems.AddRange(documented.Union(declared).Where(operation => !table.Operations.Contains(operation))
            .Select(operation => $"{operation}: no row in {mode} of {Path.GetFileName(AuthorizationMatrix.FilePath)}"));
        problems.AddRange(table.Operations
            .Where(row => !documented.Contains(AuthorizationMatrix.BaseOperation(row)) && !declared.Contains(row))
            .Select(row => $"{row}: in the table but not in the OpenAPI document or the gRPC service"));

        foreach (var row in table.Operations.Order(StringComparer.Ordinal))
        {
            foreach (var caller in Enum.GetValues<MatrixCaller>())
            {
                var actual = row.StartsWith(MatrixGrpcCalls.Prefix, StringComparison.Ordinal)
                    ? await CallGrpcAsync(row, caller)
                    : await CallRestAsync(row, caller);
                var expected = table.Expected(row, caller);
                if (actual is null)
                {
                    problems.Add($"{row}: no request recipe");
                    break;
                }
                if (!AuthorizationMatrix.Matches(expected, actual))
                {
                    problems.Add($"{row} as {caller}: expected {expected}, got {actual}");
                }
            }
        }
        return problems;
    }

    private async Task<HashSet<string>> DocumentedOperationsAsync()
    {
        using var document = JsonDocument.Parse(await documentClient.GetStringAsync("/openapi/v1.json", Cancellation));
        var operations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(item => item.Name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options"))
            {
                operations.Add($"{method.Name.ToUpperInvariant()} {path.Name}");
            }
        }
        return operations;
    }

    private async Task<string?> CallRestAsync(string row, MatrixCaller caller)
    {
        if (!MatrixRestRequests.All.TryGetValue(row, out var recipe))
        {
            return null;
        }
        using var request = await recipe.Build(subjects);
        using var response = await clients[caller].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        if (recipe.Restore is not null)
        {
            await recipe.Restore(subjects);
        }
        return ((int)response.StatusCode).ToString();
    }

    private async Task<string?> CallGrpcAsync(string row, MatrixCaller caller)
    {
        if (!MatrixGrpcCalls.All.TryGetValue(row, out var recipe))
        {
            return null;
        }
        if (recipe.Prepare is not null)
        {
            await recipe.Prepare(subjects);
        }
        using var channel = GrpcTensors.Channel(grpcEndpoint, keys[caller]);
        string outcome;
        try
        {
            await recipe.Call(new GRPCInferenceService.GRPCInferenceServiceClient(channel), subjects, Cancellation);
            outcome = nameof(StatusCode.OK);
        }
        catch (RpcException exception)
        {
            outcome = exception.StatusCode.ToString();
        }
        if (recipe.Restore is not null)
        {
            await recipe.Restore(subjects);
        }
        return outcome;
    }
}
