using System.Buffers;
using Inference.Engine.Processing;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Engine.Repository;

/// <summary>One ONNX Runtime run of a batch, as the batchers call it.</summary>
public sealed partial class ModelVersion
{
    /// <summary>Texts padded to the longest in the batch (not to the model maximum), one output row each, in order.</summary>
    public float[][] RunTextBatch(IReadOnlyList<EncodedText> texts)
    {
        var count = texts.Count;
        var length = texts.Max(text => text.Length);
        var size = count * length;
        var ids = ArrayPool<long>.Shared.Rent(size);
        var mask = ArrayPool<long>.Shared.Rent(size);
        var tokenTypes = _inputNames.Length == 3 ? ArrayPool<long>.Shared.Rent(size) : null;
        try
        {
            for (var row = 0; row < count; row++)
            {
                var text = texts[row];
                var idsRow = ids.AsSpan(row * length, length);
                text.InputIds.CopyTo(idsRow);
                idsRow[text.Length..].Fill(TextEncoder!.PaddingId);
                var maskRow = mask.AsSpan(row * length, length);
                text.AttentionMask.CopyTo(maskRow);
                maskRow[text.Length..].Clear();
            }
            tokenTypes?.AsSpan(0, size).Clear();

            long[] shape = [count, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, size), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, size), shape);
            using var typesValue = tokenTypes is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tokenTypes.AsMemory(0, size), shape);
            return Run(typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue], count);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            if (tokenTypes is not null)
            {
                ArrayPool<long>.Shared.Return(tokenTypes);
            }
        }
    }

    /// <summary>Pre-processed images stacked along the batch dimension, one output row each, in order.</summary>
    public float[][] RunImageBatch(IReadOnlyList<float[]> images)
    {
        var sampleLength = ImagePreprocessor!.SampleLength;
        var size = images.Count * sampleLength;
        var pixels = ArrayPool<float>.Shared.Rent(size);
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                images[i].CopyTo(pixels.AsSpan(i * sampleLength, sampleLength));
            }
            long[] shape = [images.Count, .. ImagePreprocessor.SampleShape.Select(d => (long)d)];
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, size), shape);
            return Run([input], images.Count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }

    private float[][] Run(OrtValue[] inputs, int rows)
    {
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var rowLength = values.Length / rows;
        var result = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            result[row] = values.Slice(row * rowLength, rowLength).ToArray();
        }
        return result;
    }
}
