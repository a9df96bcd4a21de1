namespace Inference.Engine.Tensors;

/// <summary>Splitting a stacked tensor back into its requests' rows along the first dimension.</summary>
public static class TensorRows
{
    public static InferTensor[] Split(InferTensor tensor, IReadOnlyList<long> rowCounts)
    {
        var total = tensor.Shape[0];
        var elementsPerRow = total == 0 ? 0 : tensor.ElementCount / total;
        var parts = new InferTensor[rowCounts.Count];
        long firstRow = 0;
        for (var i = 0; i < rowCounts.Count; i++)
        {
            long[] shape = [rowCounts[i], .. tensor.Shape.Skip(1)];
            var start = firstRow * elementsPerRow;
            var count = rowCounts[i] * elementsPerRow;
            parts[i] = tensor.DataType == TensorDataType.BYTES
                ? InferTensor.FromStrings(tensor.Name, shape, tensor.Strings![(int)start..(int)(start + count)])
                : InferTensor.FromBytes(tensor.Name, tensor.DataType, shape,
                    tensor.Data[(int)(start * tensor.DataType.ElementSize())..(int)((start + count) * tensor.DataType.ElementSize())]);
            firstRow += rowCounts[i];
        }
        return parts;
    }
}
