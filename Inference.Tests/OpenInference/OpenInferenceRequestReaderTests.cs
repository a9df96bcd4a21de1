using System.Runtime.InteropServices;
using System.Text;
using Inference.Api.Apis;
using Inference.Engine.Errors;

namespace Inference.Tests.OpenInference;

public sealed class OpenInferenceRequestReaderTests
{
    [Fact]
    public void NonFiniteLiteralsAreReadInFloatDataWhereverTheDataComesInTheInput()
    {
        // Data before the datatype is read in a second pass, from its own position in the JSON.
        var body = Encoding.UTF8.GetBytes(
            """{"inputs":[{"data":[NaN,-0.0],"name":"A","shape":[2],"datatype":"FP64"},{"name":"B","shape":[2],"datatype":"FP32","data":[-Infinity,1]}]}""");

        var request = OpenInferenceRequestReader.Read(body, null);

        Assert.Equal(new[] { double.NaN, -0.0 }, MemoryMarshal.Cast<byte, double>(request.Inputs[0].Data).ToArray());
        Assert.True(double.IsNegative(MemoryMarshal.Cast<byte, double>(request.Inputs[0].Data)[1]));
        Assert.Equal(new[] { float.NegativeInfinity, 1f }, MemoryMarshal.Cast<byte, float>(request.Inputs[1].Data).ToArray());
    }

    [Fact]
    public void NonFiniteLiteralsInParametersTheServerIgnoresAreAccepted()
    {
        var body = Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"A","shape":[1],"datatype":"FP32","data":[1],"parameters":{"scale":NaN}}],"parameters":{"limit":Infinity}}""");

        var request = OpenInferenceRequestReader.Read(body, null);

        Assert.Equal(BitConverter.GetBytes(1f), request.Inputs[0].Data);
    }

    [Fact]
    public void ANullInFloatDataIsStillRefused()
    {
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"A","shape":[2],"datatype":"FP32","data":[NaN,null]}]}""");

        var error = Assert.Throws<InferenceException>(() => OpenInferenceRequestReader.Read(body, null));

        Assert.Equal(InferenceErrorKind.InvalidInput, error.Kind);
        Assert.Contains("not null", error.Message);
    }
}
