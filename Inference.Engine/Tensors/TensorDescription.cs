using System.Text.Json.Serialization;

namespace Inference.Engine.Tensors;

/// <summary>Name, element type and shape of a model input or output; -1 marks a dynamic dimension.</summary>
public sealed record TensorDescription(string Name, string ElementType, long[] Shape)
{
    /// <summary>The Open Inference Protocol type; null for types it cannot carry (maps, sequences, complex numbers).</summary>
    [JsonIgnore]
    public TensorDataType? ProtocolType { get; init; }
}
