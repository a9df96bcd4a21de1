using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Inference.Api.Grpc.Protocol;
using Inference.Tests.EndToEnd;
using Inference.Tests.Protocol;

namespace Inference.Tests.Observability;

/// <summary>Successful and failed requests to the sentiment model over every serving path, for the counter tests.</summary>
internal static class ServingTraffic
{
    public const string Model = "sentiment";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task PredictTextAsync(HttpClient api, string text)
    {
        using var response = await api.PostAsJsonAsync("/api/predict/text", new { text, model = Model }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>"[CLS] i loved it [SEP]" as the model's INT64 tensors; <paramref name="valid"/> false sends FP32, which the model refuses.</summary>
    public static async Task InferRestAsync(HttpClient api, bool valid)
    {
        var datatype = valid ? "INT64" : "FP32";
        using var response = await api.PostAsJsonAsync($"/v2/models/{Model}/infer", new
        {
            inputs = new object[]
            {
                new { name = "input_ids", shape = new[] { 1, 5 }, datatype, data = new[] { 2, 13, 195, 75, 3 } },
                new { name = "attention_mask", shape = new[] { 1, 5 }, datatype, data = new[] { 1, 1, 1, 1, 1 } },
            },
        }, Cancellation);
        Assert.Equal(valid ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>As <see cref="InferRestAsync"/> over gRPC; <paramref name="valid"/> false leaves out the attention mask.</summary>
    public static async Task InferGrpcAsync(Uri endpoint, bool valid)
    {
        using var channel = GrpcTensors.Channel(endpoint);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new ModelInferRequest { ModelName = Model, Inputs = { GrpcTensors.Input("input_ids", "INT64", [1, 5]) } };
        request.RawInputContents.Add(GrpcTensors.Raw(2L, 13L, 195L, 75L, 3L));
        if (valid)
        {
            request.Inputs.Add(GrpcTensors.Input("attention_mask", "INT64", [1, 5]));
            request.RawInputContents.Add(GrpcTensors.Raw(1L, 1L, 1L, 1L, 1L));
            await client.ModelInferAsync(request, cancellationToken: Cancellation);
            return;
        }
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(request, cancellationToken: Cancellation));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    /// <summary>A batch job of <paramref name="count"/> reviews, waited for until every item succeeded.</summary>
    public static async Task RunJobAsync(HttpClient api, int count, string tag)
    {
        var job = await BatchJobClient.SubmitAsync(api, new { model = Model, items = BatchJobClient.Reviews(count, tag) });
        var finished = await BatchJobClient.WaitAsync(api, job.Id, TimeSpan.FromMinutes(2));
        Assert.Equal(count, finished.SucceededItems);
    }
}
