using System.Globalization;
using System.Text;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;

namespace Inference.Engine.Processing;

/// <summary>
/// Triton's classification extension: an output asked for with <c>classification = k</c> comes back as the top k
/// entries of each row (the last dimension), as BYTES <c>"score:index"</c> or <c>"score:index:label"</c>.
/// </summary>
public static class TensorClassification
{
    public static InferTensor TopK(InferTensor output, int k, IReadOnlyList<string> labels)
    {
        if (k < 1)
        {
            throw InferenceException.InvalidInput($"classification must be a positive number of classes, not {k}.");
        }
        var scores = ToDoubles(output);
        var classes = output.Shape.Length == 0 ? 1 : (int)output.Shape[^1];
        var rows = classes == 0 ? 0 : scores.Length / classes;
        var kept = Math.Min(k, classes);
        var strings = new byte[rows * kept][];
        for (var row = 0; row < rows; row++)
        {
            var rowScores = scores.AsSpan(row * classes, classes).ToArray();
            var ranked = Enumerable.Range(0, classes).OrderByDescending(i => rowScores[i]).ThenBy(i => i).Take(kept).ToArray();
            for (var rank = 0; rank < kept; rank++)
            {
                var index = ranked[rank];
                var text = $"{rowScores[index].ToString("F6", CultureInfo.InvariantCulture)}:{index}"
                    + (index < labels.Count ? $":{labels[index]}" : "");
                strings[row * kept + rank] = Encoding.UTF8.GetBytes(text);
            }
        }
        long[] shape = output.Shape.Length == 0 ? [kept] : [.. output.Shape[..^1], kept];
        return InferTensor.FromStrings(output.Name, shape, strings);
    }

    private static double[] ToDoubles(InferTensor tensor)
    {
        var info = tensor.DataType.Info();
        if (info.Kind == TensorElementKind.Bytes)
        {
            throw InferenceException.InvalidInput($"Output '{tensor.Name}' is {tensor.DataType}; classification needs numbers.");
        }
        var scores = new double[tensor.Data.Length / info.ElementSize];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = info.ToDouble(tensor.Data.AsSpan(i * info.ElementSize, info.ElementSize));
        }
        return scores;
    }
}
