using System.Text.Json;
using Grpc.Net.Client;
using Inference.Tests.EndToEnd;

namespace Inference.Tests.Protocol;

/// <summary>Every row of <see cref="ProtocolCases"/> over every transport a Triton client uses: the answers must agree.</summary>
[Collection(GrpcModelCollection.Name)]
public sealed class ProtocolCaseTests(AppHostFixture fixture) : IDisposable
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly GrpcChannel _channel = GrpcTensors.Channel(fixture.GrpcEndpoint);

    public void Dispose() => _channel.Dispose();

    public static TheoryData<ProtocolCase, ProtocolTransportKind> Cases()
    {
        var data = new TheoryData<ProtocolCase, ProtocolTransportKind>();
        foreach (var row in ProtocolCases.All)
        {
            foreach (var transport in Enum.GetValues<ProtocolTransportKind>().Where(kind => row.NotOver?.Contains(kind) != true))
            {
                data.Add(row, transport);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryTransportAnswersTheCaseAsTritonDoes(ProtocolCase row, ProtocolTransportKind transport)
    {
        var answer = await SendAsync(row, transport);

        Assert.True(row.Expected == answer.Status, $"{transport}: expected {row.Expected}, got {answer.Status} ({answer.Error})");
        if (row.ErrorContains is { } fragment)
        {
            Assert.Contains(fragment, answer.Error);
        }
        if (row.ExpectedOutputs is { } expected)
        {
            Assert.Equal(expected.Select(output => output.Name).Order(), answer.Outputs.Keys.Order());
            foreach (var output in expected)
            {
                var actual = answer.Outputs[output.Name];
                Assert.Equal(output.Datatype, actual.Datatype);
                Assert.Equal(output.Shape, actual.Shape);
                Assert.True(output.Bytes.AsSpan().SequenceEqual(actual.Bytes),
                    $"{transport}: {output.Name} came back as {Convert.ToHexString(actual.Bytes)}, not {Convert.ToHexString(output.Bytes)}");
            }
        }
    }

    [Theory]
    [InlineData(ProtocolTransportKind.RestJson)]
    [InlineData(ProtocolTransportKind.RestBinary)]
    [InlineData(ProtocolTransportKind.GrpcRaw)]
    public async Task AFailedInferenceCountsInTheModelsFailureStatistics(ProtocolTransportKind transport)
    {
        // A copy of the case's model under a name of this test's own: other classes send failing requests to the shared
        // model at the same time, so only a model nobody else calls can be counted exactly.
        var shared = ProtocolCases.All.Single(row => row.Name == "a datatype the input does not have");
        var wrongDatatype = shared with { Model = await LoadOwnCopyAsync(shared.Model) };
        var before = await FailureCountAsync(wrongDatatype.Model);

        var answer = await SendAsync(wrongDatatype, transport);

        Assert.Equal(ProtocolStatus.InvalidArgument, answer.Status);
        Assert.Equal(before + 1, await FailureCountAsync(wrongDatatype.Model));
    }

    private async Task<string> LoadOwnCopyAsync(string model)
    {
        var name = $"{model}-{Guid.NewGuid():N}"[..(model.Length + 9)];
        var source = Path.Combine(TestPaths.TestModels, model);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(fixture.ReferenceModelsPath, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        using var load = await fixture.AdminApi.PostAsync($"/v2/repository/models/{name}/load", null, Cancellation);
        Assert.True(load.IsSuccessStatusCode, $"loading {name} answered {(int)load.StatusCode}");
        return name;
    }

    private Task<ProtocolAnswer> SendAsync(ProtocolCase row, ProtocolTransportKind transport) => transport switch
    {
        ProtocolTransportKind.RestJson => new RestProtocolTransport(fixture.Api, binary: false).InferAsync(row, Cancellation),
        ProtocolTransportKind.RestBinary => new RestProtocolTransport(fixture.Api, binary: true).InferAsync(row, Cancellation),
        _ => new GrpcProtocolTransport(_channel).InferAsync(row, Cancellation),
    };

    private async Task<long> FailureCountAsync(string model)
    {
        using var statistics = JsonDocument.Parse(await fixture.Api.GetStringAsync($"/v2/models/{model}/stats", Cancellation));
        return statistics.RootElement.GetProperty("model_stats").EnumerateArray()
            .Sum(version => version.GetProperty("inference_stats").GetProperty("fail").GetProperty("count").GetInt64());
    }
}
