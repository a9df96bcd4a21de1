using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Engine.Repository;

/// <summary>The token inputs a text model's graph declares; exactly those are fed.</summary>
public static class TextInputs
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";

    private static readonly string[] Known = [InputIds, AttentionMask, TokenTypeIds];

    /// <summary><c>input_ids</c>, with <c>attention_mask</c> and <c>token_type_ids</c> when the graph has them (all int64).</summary>
    public static string[] Of(InferenceSession session)
    {
        var declared = session.InputMetadata;
        if (!declared.ContainsKey(InputIds))
        {
            throw new ArgumentException($"model.onnx has no int64 input '{InputIds}' for a text model; its inputs are {string.Join(", ", session.InputNames)}.");
        }
        var unknown = session.InputNames.Where(name => !Known.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"model.onnx needs input(s) {string.Join(", ", unknown)}, which a text model cannot feed (it feeds {string.Join(", ", Known)}).");
        }
        foreach (var name in session.InputNames)
        {
            if (declared[name].ElementDataType != TensorElementType.Int64)
            {
                throw new ArgumentException($"model.onnx's input '{name}' is {declared[name].ElementDataType}; text inputs must be int64.");
            }
        }
        return [.. Known.Where(declared.ContainsKey)];
    }
}
