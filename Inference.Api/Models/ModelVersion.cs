using Inference.Api.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Api.Models;

/// <summary>Name, element type and shape of a model input or output; -1 marks a dynamic dimension.</summary>
public sealed record TensorDescription(string Name, string ElementType, long[] Shape);

/// <summary>One loaded, warmed version of a model: its ONNX session and its pre/post-processing.</summary>
public sealed class ModelVersion : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;
    private readonly string[] _inputNames;

    internal ModelVersion(
        string name,
        int version,
        ModelConfiguration configuration,
        IReadOnlyList<string> labels,
        InferenceSession session,
        ExecutionProviderChoice provider,
        string fingerprint,
        long modelBytes,
        TextEncoder? textEncoder,
        ImagePreprocessor? imagePreprocessor)
    {
        Name = name;
        Version = version;
        Configuration = configuration;
        Labels = labels;
        Provider = provider;
        Fingerprint = fingerprint;
        ModelBytes = modelBytes;
        TextEncoder = textEncoder;
        ImagePreprocessor = imagePreprocessor;
        _session = session;
        Inputs = Describe(session.InputMetadata);
        Outputs = Describe(session.OutputMetadata);
        _outputNames = [configuration.Output ?? session.OutputNames[0]];
        if (!session.OutputMetadata.ContainsKey(_outputNames[0]))
        {
            throw new ArgumentException($"output '{_outputNames[0]}' is not among the model's outputs ({string.Join(", ", session.OutputNames)}).");
        }
        _inputNames = textEncoder is not null ? TextInputNames(session) : [configuration.Input ?? session.InputNames[0]];
    }

    public string Name { get; }

    public int Version { get; }

    public ModelConfiguration Configuration { get; }

    public IReadOnlyList<string> Labels { get; }

    public ExecutionProviderChoice Provider { get; }

    /// <summary>Content hash of the ONNX file: answers cached for one file are never served for another.</summary>
    public string Fingerprint { get; }

    public long ModelBytes { get; }

    public TextEncoder? TextEncoder { get; }

    public ImagePreprocessor? ImagePreprocessor { get; }

    public IReadOnlyList<TensorDescription> Inputs { get; }

    public IReadOnlyList<TensorDescription> Outputs { get; }

    /// <summary>Runs one encoded text; returns the raw output row.</summary>
    public float[] RunText(EncodedText text)
    {
        long[] shape = [1, text.Length];
        using var ids = OrtValue.CreateTensorValueFromMemory(text.InputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(text.AttentionMask, shape);
        using var tokenTypes = _inputNames.Length == 3 ? OrtValue.CreateTensorValueFromMemory(new long[text.Length], shape) : null;
        OrtValue[] inputs = tokenTypes is null ? [ids, mask] : [ids, mask, tokenTypes];
        return Run(inputs);
    }

    /// <summary>Runs one pre-processed image tensor; returns the raw output row.</summary>
    public float[] RunImage(float[] tensor)
    {
        long[] shape = [1, .. ImagePreprocessor!.SampleShape.Select(d => (long)d)];
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, shape);
        return Run([input]);
    }

    private float[] Run(OrtValue[] inputs)
    {
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static string[] TextInputNames(InferenceSession session)
    {
        string[] required = ["input_ids", "attention_mask"];
        foreach (var name in required)
        {
            if (!session.InputMetadata.TryGetValue(name, out var metadata) || metadata.ElementDataType != TensorElementType.Int64)
            {
                throw new ArgumentException($"a text-classification model needs an int64 input '{name}'; it has {string.Join(", ", session.InputNames)}.");
            }
        }
        return session.InputMetadata.ContainsKey("token_type_ids") ? [.. required, "token_type_ids"] : required;
    }

    private static TensorDescription[] Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        [.. metadata.Select(entry => new TensorDescription(
            entry.Key,
            entry.Value.IsTensor ? entry.Value.ElementDataType.ToString().ToUpperInvariant() : entry.Value.OnnxValueType.ToString(),
            [.. entry.Value.Dimensions.Select(d => (long)d)]))];
}
