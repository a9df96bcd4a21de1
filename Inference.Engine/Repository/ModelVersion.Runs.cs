using System.Buffers;
using Inference.Engine.Processing;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Engine.Repository;

/// <summary>One ONNX Runtime run of a batch, as the batchers call it.</summary>
public sealed partial class ModelVersion
{
    /// <summary>
    /// Texts padded to the longest in the batch (not to the model maximum), one output row each, in order. An output of
    /// token states ([batch, tokens, hidden]) comes back as each text's own tokens only, without the padding.
    /// </summary>
    public float[][] RunTextBatch(IReadOnlyList<EncodedText> texts)
    {
        var count = texts.Count;
        var length = texts.Max(text => text.Length);
        var size = count * length;
        var buffers = new long[_inputNames.Length][];
        var values = new OrtValue[_inputNames.Length];
        try
        {
            long[] shape = [count, length];
            for (var input = 0; input < _inputNames.Length; input++)
            {
                var buffer = buffers[input] = ArrayPool<long>.Shared.Rent(size);
                var name = _inputNames[input];
                for (var row = 0; row < count; row++)
                {
                    var text = texts[row];
                    var (source, padding) = name switch
                    {
                        TextInputs.InputIds => (text.InputIds, TextEncoder!.PaddingId),
                        TextInputs.AttentionMask => (text.AttentionMask, 0L),
                        _ => (text.TokenTypeIds, 0L),
                    };
                    var target = buffer.AsSpan(row * length, length);
                    source.CopyTo(target);
                    target[text.Length..].Fill(padding);
                }
                values[input] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, size), shape);
            }
            return Run(values, count, texts);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
            foreach (var buffer in buffers.Where(buffer => buffer is not null))
            {
                ArrayPool<long>.Shared.Return(buffer);
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

    private float[][] Run(OrtValue[] inputs, int rows, IReadOnlyList<EncodedText>? texts = null)
    {
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        var rowLength = values.Length / rows;
        var result = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            // Token states: keep the text's own tokens, so pooling never sees the batch's padding.
            var kept = texts is not null && shape.Length == 3 ? texts[row].Length * (int)shape[2] : rowLength;
            result[row] = values.Slice(row * rowLength, kept).ToArray();
        }
        return result;
    }
}
