using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Inference.Api.Grpc.Protocol;
using Inference.Engine.Processing;
using Inference.Engine.Repository;
using Inference.Tests.EndToEnd;
using Npgsql;
using static Inference.Tests.Protocol.GrpcTensors;

namespace Inference.Tests.Protocol;

/// <summary>The Open Inference Protocol over gRPC (h2c), driven as tritonclient.grpc and KServe clients drive it.</summary>
public sealed class OpenInferenceGrpcTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = Channel(fixture.GrpcEndpoint);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    private static readonly int[] Left = [.. Enumerable.Range(0, 16)];
    private static readonly int[] Right = [.. Enumerable.Range(0, 16).Select(i => 2 * i + 1)];

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task ServerLiveSaysLive()
    {
        var response = await Client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancellation);

        Assert.True(response.Live);
    }

    [Fact]
    public async Task ServerReadySaysReadyOnceModelsAreLoaded()
    {
        var response = await Client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Cancellation);

        Assert.True(response.Ready);
    }

    [Theory]
    [InlineData("simple", "", true)]
    [InlineData("simple", "1", true)]
    [InlineData("simple", "9", false)]
    [InlineData("broken", "", false)]
    [InlineData("no-such-model", "", false)]
    public async Task ModelReadyAnswersFalseRatherThanFailing(string model, string version, bool ready)
    {
        var response = await Client.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version }, cancellationToken: Cancellation);

        Assert.Equal(ready, response.Ready);
    }

    [Fact]
    public async Task ServerMetadataNamesTheServerAndItsExtensions()
    {
        var response = await Client.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: Cancellation);

        Assert.Equal("inference", response.Name);
        Assert.False(string.IsNullOrEmpty(response.Version));
        Assert.Contains("classification", response.Extensions);
        Assert.Contains("model_repository", response.Extensions);
    }

    [Fact]
    public async Task ModelMetadataDescribesInputsAndOutputs()
    {
        var response = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "simple" }, cancellationToken: Cancellation);

        Assert.Equal("simple", response.Name);
        Assert.Equal(["1"], response.Versions);
        Assert.Equal("onnxruntime_onnx", response.Platform);
        Assert.Equal(["INPUT0:INT32:-1,16", "INPUT1:INT32:-1,16"], response.Inputs.Select(Describe));
        Assert.Equal(["OUTPUT0:INT32:-1,16", "OUTPUT1:INT32:-1,16"], response.Outputs.Select(Describe));
    }

    [Fact]
    public async Task SimpleWithTypedContentsAddsAndSubtractsAndEchoesTheId()
    {
        var request = new ModelInferRequest
        {
            ModelName = "simple",
            Id = "request-42",
            Inputs =
            {
                Input("INPUT0", "INT32", [1, 16], new InferTensorContents { IntContents = { Left } }),
                Input("INPUT1", "INT32", [1, 16], new InferTensorContents { IntContents = { Right } }),
            },
        };

        var response = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        Assert.Equal(("simple", "1", "request-42"), (response.ModelName, response.ModelVersion, response.Id));
        Assert.Equal(["OUTPUT0", "OUTPUT1"], response.Outputs.Select(output => output.Name));
        Assert.Equal(["OUTPUT0:INT32:1,16", "OUTPUT1:INT32:1,16"], response.Outputs.Select(Describe));
        Assert.Equal(Left.Zip(Right, (a, b) => a + b), Values<int>(Output(response, "OUTPUT0")));
        Assert.Equal(Left.Zip(Right, (a, b) => a - b), Values<int>(Output(response, "OUTPUT1")));
    }

    [Fact]
    public async Task SimpleWithRawContentsGivesTheSameResultAsTypedContents()
    {
        var typed = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple",
            Inputs =
            {
                Input("INPUT0", "INT32", [1, 16], new InferTensorContents { IntContents = { Left } }),
                Input("INPUT1", "INT32", [1, 16], new InferTensorContents { IntContents = { Right } }),
            },
        }, cancellationToken: Cancellation);

        var raw = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple",
            ModelVersion = "1",
            Inputs = { Input("INPUT0", "INT32", [1, 16]), Input("INPUT1", "INT32", [1, 16]) },
            RawInputContents = { Raw(Left), Raw(Right) },
        }, cancellationToken: Cancellation);

        Assert.Equal(typed.RawOutputContents, raw.RawOutputContents);
        Assert.Equal(typed.Outputs, raw.Outputs);
    }

    [Fact]
    public async Task OnlyTheRequestedOutputsComeBackInTheRequestedOrder()
    {
        var response = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple",
            Inputs = { Input("INPUT0", "INT32", [1, 16]), Input("INPUT1", "INT32", [1, 16]) },
            Outputs = { new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT1" } },
            RawInputContents = { Raw(Left), Raw(Right) },
        }, cancellationToken: Cancellation);

        Assert.Equal(["OUTPUT1"], response.Outputs.Select(output => output.Name));
        Assert.Single(response.RawOutputContents);
        Assert.Equal(Left.Zip(Right, (a, b) => a - b), Values<int>(response.RawOutputContents[0]));
    }

    [Fact]
    public async Task MobileNetClassifiesARawFp32GoldfishAsGoldfish()
    {
        var request = GoldfishRequest();

        var response = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        var output = Assert.Single(response.Outputs);
        Assert.Equal("output:FP32:1,1000", Describe(output));
        var logits = Values<float>(response.RawOutputContents[0]);
        Assert.Equal(1, Array.IndexOf(logits, logits.Max()));
    }

    [Fact]
    public async Task ClassificationParameterReturnsTheTopClassesWithLabels()
    {
        var request = GoldfishRequest();
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor
        {
            Name = "output",
            Parameters = { ["classification"] = new InferParameter { Int64Param = 3 } },
        });

        var response = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        var output = Assert.Single(response.Outputs);
        Assert.Equal("output:BYTES:1,3", Describe(output));
        var top = Strings(response.RawOutputContents[0]);
        Assert.Equal(3, top.Length);
        Assert.Matches(@"^-?\d+\.\d+:1:goldfish$", top[0]);
    }

    [Fact]
    public async Task BytesInputsWorkAsTypedAndAsRawContents()
    {
        string[] left = [.. Enumerable.Range(0, 16).Select(i => (i * 10).ToString())];
        string[] right = [.. Enumerable.Range(0, 16).Select(i => i.ToString())];

        var typed = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple_string",
            Inputs =
            {
                Input("INPUT0", "BYTES", [1, 16], new InferTensorContents { BytesContents = { left.Select(Google.Protobuf.ByteString.CopyFromUtf8) } }),
                Input("INPUT1", "BYTES", [1, 16], new InferTensorContents { BytesContents = { right.Select(Google.Protobuf.ByteString.CopyFromUtf8) } }),
            },
        }, cancellationToken: Cancellation);
        var raw = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple_string",
            Inputs = { Input("INPUT0", "BYTES", [1, 16]), Input("INPUT1", "BYTES", [1, 16]) },
            RawInputContents = { RawStrings(left), RawStrings(right) },
        }, cancellationToken: Cancellation);

        Assert.Equal(Enumerable.Range(0, 16).Select(i => (i * 11).ToString()), Strings(Output(typed, "OUTPUT0")));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (i * 9).ToString()), Strings(Output(typed, "OUTPUT1")));
        Assert.Equal("BYTES", typed.Outputs[0].Datatype);
        Assert.Equal(typed.RawOutputContents, raw.RawOutputContents);
    }

    [Fact]
    public async Task SentimentModelRunsOnRawInt64TokenTensors()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "sentiment" }, cancellationToken: Cancellation);
        var encoder = new TextEncoder(Path.Combine(TestPaths.ProjectModels, "sentiment", "1", "vocab.txt"), lowercase: true, maxSequenceLength: 128);
        var encoded = encoder.Encode("I loved this film, the acting was wonderful");
        var request = new ModelInferRequest { ModelName = "sentiment" };
        foreach (var input in metadata.Inputs)
        {
            request.Inputs.Add(Input(input.Name, "INT64", [1, encoded.Length]));
            request.RawInputContents.Add(input.Name switch
            {
                "input_ids" => Raw(encoded.InputIds),
                "attention_mask" => Raw(encoded.AttentionMask),
                _ => Raw(new long[encoded.Length]),
            });
        }

        var response = await Client.ModelInferAsync(request, cancellationToken: Cancellation);

        var logits = Values<float>(Output(response, "logits"));
        Assert.Equal(2, logits.Length);
        Assert.True(logits[1] > logits[0], $"positive ({logits[1]}) should beat negative ({logits[0]})");
    }

    [Fact]
    public async Task InferenceLandsInThePredictionLogWithItsInputHash()
    {
        int[] left = [.. Enumerable.Range(0, 16).Select(_ => Random.Shared.Next())];
        await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "simple",
            Inputs = { Input("INPUT0", "INT32", [1, 16]), Input("INPUT1", "INT32", [1, 16]) },
            RawInputContents = { Raw(left), Raw(Right) },
        }, cancellationToken: Cancellation);
        var hash = Convert.ToHexStringLower(SHA256.HashData([.. Raw(left).ToByteArray(), .. Raw(Right).ToByteArray()]));

        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        var route = await Eventually.PollAsync(async cancellationToken =>
        {
            await using var query = new NpgsqlCommand("""SELECT "Route" FROM predictions WHERE "InputHash" = @hash AND "Model" = 'simple'""", connection);
            query.Parameters.AddWithValue("hash", hash);
            return (string?)await query.ExecuteScalarAsync(cancellationToken);
        }, logged => logged is not null, TimeSpan.FromSeconds(15), _ => "the gRPC inference did not reach the prediction log", Cancellation,
            TimeSpan.FromMilliseconds(100));

        Assert.Equal("grpc/infer", route);
    }

    [Fact]
    public async Task TheHttpEndpointKeepsServingHttp11BesideTheGrpcEndpoint()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var health = await fixture.Api.SendAsync(request, Cancellation);
        var live = await Client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (health.StatusCode, health.Version));
        Assert.True(live.Live);
        Assert.NotEqual(fixture.Api.BaseAddress!.Port, fixture.GrpcEndpoint.Port);
    }

    private static ModelInferRequest GoldfishRequest()
    {
        var preprocessor = new ImagePreprocessor(new ImageSettings
        {
            Width = 224, Height = 224, Channels = 3, Layout = "nchw", Resize = "center-crop",
            Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
        }, maxPixels: 40_000_000);
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(File.ReadAllBytes(TestPaths.TestImage("goldfish.jpg")), pixels);
        return new ModelInferRequest
        {
            ModelName = "mobilenet",
            Inputs = { Input("input", "FP32", [1, 3, 224, 224]) },
            RawInputContents = { Raw(pixels) },
        };
    }
}
