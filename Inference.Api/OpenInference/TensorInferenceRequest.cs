using Inference.Engine.Processing;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;

namespace Inference.Api.OpenInference;

/// <summary>
/// An output the caller asked for: whether to return it as binary data (null: the request's default), and
/// <see cref="Classification"/> &gt; 0 to return its top classes instead of the raw tensor (Triton's classification extension).
/// </summary>
public sealed record RequestedOutput(string Name, bool? BinaryData, int Classification);

/// <summary>An inference request as the protocol carries it, whatever the transport: inputs, wanted outputs, the caller's id.</summary>
public sealed record TensorInferenceRequest(
    string? Id,
    IReadOnlyList<InferTensor> Inputs,
    IReadOnlyList<RequestedOutput> Outputs,
    bool BinaryDataOutput)
{
    /// <summary>The output names to ask the engine for; null means all of them.</summary>
    public IReadOnlyList<string>? OutputNames => Outputs.Count == 0 ? null : [.. Outputs.Select(output => output.Name)];

    /// <summary>Whether the engine's output at <paramref name="index"/> goes back as binary data.</summary>
    public bool IsBinary(int index) => Outputs.Count == 0 ? BinaryDataOutput : Outputs[index].BinaryData ?? BinaryDataOutput;

    /// <summary>Replaces the outputs asked for with <c>classification = k</c> by their top k classes (BYTES "score:index:label").</summary>
    public InferTensor[] ApplyClassification(InferTensor[] outputs, ModelVersion model)
    {
        for (var i = 0; i < Outputs.Count && i < outputs.Length; i++)
        {
            if (Outputs[i].Classification > 0)
            {
                outputs[i] = TensorClassification.TopK(outputs[i], Outputs[i].Classification, model.Labels);
            }
        }
        return outputs;
    }
}
