using System.IO.Compression;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using Inference.Engine.Processing;
using Inference.Engine.Repository;
using Inference.Tests.EndToEnd;
using Npgsql;
using static Inference.Tests.Protocol.OpenInferenceProtocol;

namespace Inference.Tests.Protocol;

/// <summary>Inference over the Open Inference Protocol's REST form, JSON and binary, as Triton's clients send it.</summary>
public sealed class OpenInferenceInferTests(AppHostFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly int[] Counting = [.. Enumerable.Range(0, 16)];
    private static readonly int[] Ones = [.. Enumerable.Repeat(1, 16)];

    private static JsonObject SimpleRequest(JsonNode input0, JsonNode input1, long[]? shape = null) => new()
    {
        ["id"] = "request-42",
        ["inputs"] = new JsonArray(
            JsonInput("INPUT0", "INT32", shape ?? [1, 16], input0),
            JsonInput("INPUT1", "INT32", shape ?? [1, 16], input1)),
    };

    [Fact]
    public async Task SimpleModelAddsAndSubtractsOverJson()
    {
        var result = await SendAsync(fixture.Api, Json("/v2/models/simple/infer", SimpleRequest(Array(Counting), Array(Ones))));

        Assert.Equal("simple", result.Header.GetProperty("model_name").GetString());
        Assert.Equal("1", result.Header.GetProperty("model_version").GetString());
        Assert.Equal("request-42", result.Header.GetProperty("id").GetString());
        Assert.Equal(["OUTPUT0", "OUTPUT1"], result.OutputNames);
        Assert.Equal("INT32", result.Output("OUTPUT0").GetProperty("datatype").GetString());
        Assert.Equal([1L, 16L], result.Shape("OUTPUT0"));
        Assert.Equal(Counting.Select(v => v + 1), result.Data<int>("OUTPUT0"));
        Assert.Equal(Counting.Select(v => v - 1), result.Data<int>("OUTPUT1"));
        Assert.Equal("application/json", result.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NestedDataGivesTheSameResultAsFlatData()
    {
        var a = Enumerable.Range(0, 32).ToArray();
        var b = Enumerable.Range(100, 32).ToArray();
        JsonNode Nested(int[] values) => new JsonArray(Array(values.Take(16)), Array(values.Skip(16)));

        var flat = await SendAsync(fixture.Api, Json("/v2/models/simple/infer", SimpleRequest(Array(a), Array(b), [2, 16])));
        var nested = await SendAsync(fixture.Api, Json("/v2/models/simple/infer", SimpleRequest(Nested(a), Nested(b), [2, 16])));

        Assert.Equal(a.Zip(b, (x, y) => x + y), flat.Data<int>("OUTPUT0"));
        Assert.Equal(flat.Data<int>("OUTPUT0"), nested.Data<int>("OUTPUT0"));
        Assert.Equal(flat.Data<int>("OUTPUT1"), nested.Data<int>("OUTPUT1"));
    }

    [Fact]
    public async Task OnlyTheRequestedOutputsComeBack()
    {
        var request = SimpleRequest(Array(Counting), Array(Ones));
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "OUTPUT1" });

        var result = await SendAsync(fixture.Api, Json("/v2/models/simple/versions/1/infer", request));

        Assert.Equal(["OUTPUT1"], result.OutputNames);
        Assert.Equal(Counting.Select(v => v - 1), result.Data<int>("OUTPUT1"));
    }

    [Fact]
    public async Task BinaryRequestAsTritonClientSendsItGetsBinaryOutputs()
    {
        // tritonclient.http with binary inputs and no requested outputs: binary_data_output for all.
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(BinaryInput("INPUT0", "INT32", [1, 16], 64), BinaryInput("INPUT1", "INT32", [1, 16], 64)),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        var result = await SendAsync(fixture.Api, Binary("/v2/models/simple/infer", header,
            MemoryMarshal.AsBytes(Counting.AsSpan()).ToArray(), MemoryMarshal.AsBytes(Ones.AsSpan()).ToArray()));

        Assert.Equal("application/octet-stream", result.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(result.Response.Headers.Contains(HeaderContentLength));
        Assert.Equal(Counting.Select(v => v + 1), MemoryMarshal.Cast<byte, int>(result.Binary["OUTPUT0"]).ToArray());
        Assert.Equal(Counting.Select(v => v - 1), MemoryMarshal.Cast<byte, int>(result.Binary["OUTPUT1"]).ToArray());
        Assert.False(result.Output("OUTPUT0").TryGetProperty("data", out _));
    }

    [Fact]
    public async Task BinaryDataPerOutputMixesBinaryAndJsonOutputs()
    {
        var request = SimpleRequest(Array(Counting), Array(Ones));
        request["outputs"] = new JsonArray(
            new JsonObject { ["name"] = "OUTPUT0", ["parameters"] = new JsonObject { ["binary_data"] = true } },
            new JsonObject { ["name"] = "OUTPUT1" });

        var result = await SendAsync(fixture.Api, Json("/v2/models/simple/infer", request));

        Assert.Equal(Counting.Select(v => v + 1), MemoryMarshal.Cast<byte, int>(result.Binary["OUTPUT0"]).ToArray());
        Assert.Equal(Counting.Select(v => v - 1), result.Data<int>("OUTPUT1"));
        Assert.Equal(64, result.Output("OUTPUT0").GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
    }

    [Fact]
    public async Task StringModelTakesBytesAsJsonStrings()
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                JsonInput("INPUT0", "BYTES", [1, 16], Array(Counting.Select(v => v.ToString()))),
                JsonInput("INPUT1", "BYTES", [1, 16], Array(Ones.Select(v => v.ToString())))),
        };

        var result = await SendAsync(fixture.Api, Json("/v2/models/simple_string/infer", request));

        Assert.Equal("BYTES", result.Output("OUTPUT0").GetProperty("datatype").GetString());
        Assert.Equal(Counting.Select(v => (v + 1).ToString()), result.Data<string>("OUTPUT0"));
        Assert.Equal(Counting.Select(v => (v - 1).ToString()), result.Data<string>("OUTPUT1"));
    }

    [Fact]
    public async Task StringModelTakesBytesAsBinaryData()
    {
        var input0 = LengthPrefixed([.. Counting.Select(v => v.ToString())]);
        var input1 = LengthPrefixed([.. Ones.Select(v => v.ToString())]);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(BinaryInput("INPUT0", "BYTES", [1, 16], input0.Length), BinaryInput("INPUT1", "BYTES", [1, 16], input1.Length)),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "OUTPUT0", ["parameters"] = new JsonObject { ["binary_data"] = true } }),
        };

        var result = await SendAsync(fixture.Api, Binary("/v2/models/simple_string/infer", header, input0, input1));

        Assert.Equal(LengthPrefixed([.. Counting.Select(v => (v + 1).ToString())]), result.Binary["OUTPUT0"]);
    }

    [Fact]
    public async Task SentimentByRawTensorsAgreesWithTextPrediction()
    {
        const string text = "An absolutely wonderful film, I loved every minute of it";
        var encoder = new TextEncoder(Path.Combine(TestPaths.ProjectModels, "sentiment", "1", "vocab.txt"), lowercase: true, maxSequenceLength: 128);
        var encoded = encoder.Encode(text);
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                JsonInput("input_ids", "INT64", [1, encoded.Length], Array(encoded.InputIds)),
                JsonInput("attention_mask", "INT64", [1, encoded.Length], Array(encoded.AttentionMask))),
        };

        var result = await SendAsync(fixture.Api, Json("/v2/models/sentiment/infer", request));
        var predicted = await fixture.Api.PostAsJsonAsync("/api/predict/text", new { text }, Cancellation);

        var logits = result.Data<float>(result.OutputNames.Single());
        var label = new[] { "negative", "positive" }[logits[1] > logits[0] ? 1 : 0];
        Assert.Equal((await predicted.Content.ReadFromJsonAsync<PredictionDto>(Cancellation))!.Label, label);
        Assert.Equal("positive", label);

        // The inference is in the prediction log under v2/infer, hashed over its input tensors' bytes.
        var hash = Convert.ToHexStringLower(SHA256.HashData([
            .. MemoryMarshal.AsBytes(encoded.InputIds.AsSpan()), .. MemoryMarshal.AsBytes(encoded.AttentionMask.AsSpan())]));
        Assert.Equal("positive", await FindLoggedLabelAsync("sentiment", hash));
    }

    [Fact]
    public async Task MobileNetTakesABinaryImageTensorAndFindsTheGoldfish()
    {
        var preprocessor = new ImagePreprocessor(new ImageSettings { Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] }, 40_000_000);
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(await File.ReadAllBytesAsync(TestPaths.TestImage("goldfish.jpg"), Cancellation), pixels);
        var image = MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(BinaryInput("input", "FP32", [1, 3, 224, 224], image.Length)),
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = "output", ["parameters"] = new JsonObject { ["binary_data"] = true } }),
        };
        var classified = header.DeepClone().AsObject();
        classified["outputs"] = new JsonArray(new JsonObject { ["name"] = "output", ["parameters"] = new JsonObject { ["classification"] = 3 } });

        var raw = await SendAsync(fixture.Api, Binary("/v2/models/mobilenet/infer", header, image));
        var top = await SendAsync(fixture.Api, Binary("/v2/models/mobilenet/infer", classified, image));

        var logits = MemoryMarshal.Cast<byte, float>(raw.Binary["output"]).ToArray();
        Assert.Equal(1000, logits.Length);
        Assert.Equal(1, System.Array.IndexOf(logits, logits.Max()));
        Assert.Equal([1L, 3L], top.Shape("output"));
        Assert.Equal("BYTES", top.Output("output").GetProperty("datatype").GetString());
        var best = top.Data<string>("output")[0].Split(':');
        Assert.Equal(["1", "goldfish"], best[1..]);
        Assert.Equal(logits.Max(), float.Parse(best[0], System.Globalization.CultureInfo.InvariantCulture), 0.001f);
    }

    [Fact]
    public async Task GzipCompressedRequestIsAccepted()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(SimpleRequest(Array(Counting), Array(Ones)).ToJsonString()));
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/simple/infer") { Content = new ByteArrayContent(compressed.ToArray()) };
        request.Content.Headers.ContentEncoding.Add("gzip");

        var result = await SendAsync(fixture.Api, request);

        Assert.Equal(Counting.Select(v => v + 1), result.Data<int>("OUTPUT0"));
    }

    /// <summary>By model too: the overload tests send the same tensors to a copy of the model.</summary>
    private async Task<string> FindLoggedLabelAsync(string model, string hash)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("inferencedb"));
        await connection.OpenAsync(Cancellation);
        var logged = await Eventually.PollAsync(async cancellationToken =>
        {
            await using var query = new NpgsqlCommand(
                """SELECT "Label" FROM predictions WHERE "Route" = 'v2/infer' AND "Model" = @model AND "InputHash" = @hash""", connection);
            query.Parameters.AddWithValue("model", model);
            query.Parameters.AddWithValue("hash", hash);
            return await query.ExecuteScalarAsync(cancellationToken) as string;
        }, label => label is not null, TimeSpan.FromSeconds(15), _ => "the protocol inference did not reach the prediction log", Cancellation);
        return logged!;
    }
}
