using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using static Inference.Tests.Protocol.GrpcTensors;

using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>
/// What a gRPC client meets below the service's methods: the standard health service, unknown services and methods,
/// and request bytes that are no valid message. Each ends in a proper gRPC status, never UNKNOWN or an HTTP error.
/// </summary>
[Collection(GrpcModelCollection.Name)]
public sealed class OpenInferenceGrpcTransportTests(AppHostFixture fixture) : IDisposable
{
    private const string Service = "inference.GRPCInferenceService";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly Marshaller<byte[]> RawBytes = Marshallers.Create<byte[]>(bytes => bytes, bytes => bytes);

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint, fixture.AdminKey);

    public void Dispose() => _channel.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData(Service)]
    public async Task HealthServiceReportsServingOnceTheServerIsReady(string service)
    {
        // No key: the probe is open, like the protocol's other health checks.
        using var anonymous = Channel(fixture.GrpcEndpoint);

        var response = await new Health.HealthClient(anonymous).CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthOfAnUnknownServiceIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData("no.such.Service", "Method")]
    [InlineData(Service, "NoSuchMethod")]
    [InlineData(Service, "SystemSharedMemoryStatus")]
    public async Task UnknownServicesAndMethodsAreUnimplemented(string service, string method)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(service, method, []));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData("/no.such.Service/Method")]
    [InlineData("/inference.GRPCInferenceService/NoSuchMethod")]
    public async Task UnknownServicesAndMethodsAnswerWithAGrpcStatusNotAnHttpError(string path)
    {
        // gRPC clients read an HTTP 404 as UNIMPLEMENTED too, so look at the wire: a gRPC answer is HTTP 200 with grpc-status.
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = fixture.GrpcEndpoint };
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.Add("X-API-Key", fixture.AdminKey);

        using var response = await http.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.Headers} {body}");
        var status = response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders : response.TrailingHeaders.GetValues("grpc-status");
        Assert.Equal([((int)StatusCode.Unimplemented).ToString()], status);
    }

    [Theory]
    [InlineData("ModelInfer")]
    [InlineData("ModelMetadata")]
    [InlineData("ModelConfig")]
    [InlineData("ModelStatistics")]
    [InlineData("RepositoryIndex")]
    public async Task BytesThatAreNoMessageAreInvalidArgumentsThatSaySo(string method)
    {
        // Field 1 as a length-delimited string claiming 100 bytes, of which 2 follow.
        byte[] truncated = [0x0A, 100, (byte)'h', (byte)'i'];

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRawAsync(Service, method, truncated));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("is not a valid", error.Status.Detail);
        Assert.Contains("Request message", error.Status.Detail);
    }

    [Fact]
    public async Task RandomBytesNeverEndInUnknownOrInternal()
    {
        string[] methods = ["ModelInfer", "ModelMetadata", "ModelConfig", "ModelReady", "ModelStatistics", "RepositoryIndex"];
        var random = new Random(20261127);
        var outcomes = new Dictionary<StatusCode, int>();

        for (var i = 0; i < 300; i++)
        {
            var payload = new byte[random.Next(1, 64)];
            random.NextBytes(payload);
            var method = methods[i % methods.Length];
            StatusCode status;
            try
            {
                await CallRawAsync(Service, method, payload);
                status = StatusCode.OK;
            }
            catch (RpcException exception)
            {
                status = exception.StatusCode;
                Assert.True(status is not (StatusCode.Unknown or StatusCode.Internal),
                    $"{method} with [{Convert.ToHexString(payload)}] ended in {status}: {exception.Status.Detail}");
            }
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
        }

        // Most random bytes are not a valid message; the rest reach the method and fail or succeed there.
        Assert.True(outcomes.GetValueOrDefault(StatusCode.InvalidArgument) > 100, string.Join(", ", outcomes));
    }

    private async Task<byte[]> CallRawAsync(string service, string method, byte[] payload)
    {
        var call = _channel.CreateCallInvoker().AsyncUnaryCall(
            new Method<byte[], byte[]>(MethodType.Unary, service, method, RawBytes, RawBytes), null,
            new CallOptions(cancellationToken: Cancellation), payload);
        return await call.ResponseAsync;
    }
}
