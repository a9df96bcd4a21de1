using System.Text;
using Inference.Engine.Errors;
using Inference.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Engine.Execution;

/// <summary>A validated tensor request: every model input, in the model's order, and the outputs to return.</summary>
public sealed record TensorRequest(InferTensor[] Inputs, string[] Outputs)
{
    /// <summary>Rows along the batch dimension.</summary>
    public long Rows => Inputs[0].Shape[0];

    /// <summary>Requests with equal signatures can be stacked along the batch dimension into one run.</summary>
    public string Signature { get; } = string.Join("|", Inputs.Select(input => $"{input.Name}:{input.DataType}:{string.Join(",", input.Shape.Skip(1))}"))
        + "|>" + string.Join(",", Outputs);
}

/// <summary>The answer to one <see cref="TensorRequest"/>: its outputs, or why its run failed (failures stay per request).</summary>
public sealed record TensorResult(InferTensor[]? Outputs, Exception? Error);

/// <summary>
/// Checks raw tensor requests against a session's inputs and outputs, and runs them: requests with the same signature
/// are stacked along the batch dimension into one run when every input and output of the model has a dynamic first
/// dimension; others run one by one.
/// </summary>
public sealed class TensorRunner
{
    private readonly InferenceSession _session;
    private readonly TensorDescription[] _inputs;
    private readonly Dictionary<string, TensorDescription> _inputsByName;
    private readonly HashSet<string> _outputNames;
    private readonly string[] _allOutputs;
    private readonly int _maxRows;

    public TensorRunner(InferenceSession session, IReadOnlyList<TensorDescription> inputs, IReadOnlyList<TensorDescription> outputs, int maxRows)
    {
        _session = session;
        _inputs = [.. inputs];
        _inputsByName = _inputs.ToDictionary(input => input.Name);
        // Outputs the protocol cannot carry (maps, sequences) are never run, requested or not.
        var tensorOutputs = outputs.Where(output => output.ProtocolType is not null).ToArray();
        _allOutputs = [.. tensorOutputs.Select(output => output.Name)];
        _outputNames = [.. _allOutputs];
        _maxRows = maxRows;
        CanBatch = _inputs.Concat(tensorOutputs).All(tensor => tensor.Shape.Length > 0 && tensor.Shape[0] == -1);
    }

    /// <summary>Whether requests can be stacked: every input and output has a dynamic first dimension.</summary>
    public bool CanBatch { get; }

    /// <summary>Checks names, data types and shapes, and orders the inputs as the model declares them.</summary>
    public TensorRequest Validate(string model, IReadOnlyList<InferTensor> inputs, IReadOnlyList<string>? requestedOutputs)
    {
        var byName = new Dictionary<string, InferTensor>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!_inputsByName.TryGetValue(input.Name, out var expected))
            {
                throw InferenceException.InvalidInput($"Model '{model}' has no input '{input.Name}'; its inputs are {Names(_inputs.Select(i => i.Name))}.");
            }
            if (!byName.TryAdd(input.Name, input))
            {
                throw InferenceException.InvalidInput($"Input '{input.Name}' is given more than once.");
            }
            CheckMatches(input, expected);
        }

        var missing = _inputs.Where(input => !byName.ContainsKey(input.Name)).Select(input => input.Name).ToArray();
        if (missing.Length > 0)
        {
            throw InferenceException.InvalidInput($"Model '{model}' needs input(s) {Names(missing)}; the request has {Names(byName.Keys)}.");
        }

        var ordered = _inputs.Select(input => byName[input.Name]).ToArray();
        if (CanBatch && ordered.Select(input => input.Shape[0]).Distinct().Count() > 1)
        {
            throw InferenceException.InvalidInput("All inputs must have the same size along the first (batch) dimension.");
        }

        string[] outputs = requestedOutputs is { Count: > 0 } ? [.. requestedOutputs] : _allOutputs;
        foreach (var output in outputs)
        {
            if (!_outputNames.Contains(output))
            {
                throw InferenceException.InvalidInput($"Model '{model}' has no output '{output}'; its outputs are {Names(_allOutputs)}.");
            }
        }
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Length)
        {
            throw InferenceException.InvalidInput("An output is requested more than once.");
        }
        return new TensorRequest(ordered, outputs);
    }

    /// <summary>Runs the requests, stacking compatible ones; one result per request, in order.</summary>
    public TensorResult[] RunBatch(IReadOnlyList<TensorRequest> requests)
    {
        var results = new TensorResult[requests.Count];
        if (!CanBatch || requests.Count == 1)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                results[i] = RunAlone(requests[i]);
            }
            return results;
        }

        foreach (var group in Enumerable.Range(0, requests.Count).GroupBy(i => requests[i].Signature))
        {
            foreach (var chunk in Chunk(group, requests))
            {
                RunStacked(chunk, requests, results);
            }
        }
        return results;
    }

    /// <summary>Splits a group into runs of at most the batch size in rows (a single larger request still runs alone).</summary>
    private IEnumerable<List<int>> Chunk(IEnumerable<int> group, IReadOnlyList<TensorRequest> requests)
    {
        var chunk = new List<int>();
        long rows = 0;
        foreach (var index in group)
        {
            if (chunk.Count > 0 && rows + requests[index].Rows > _maxRows)
            {
                yield return chunk;
                chunk = [];
                rows = 0;
            }
            chunk.Add(index);
            rows += requests[index].Rows;
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private void RunStacked(List<int> chunk, IReadOnlyList<TensorRequest> requests, TensorResult[] results)
    {
        if (chunk.Count == 1)
        {
            results[chunk[0]] = RunAlone(requests[chunk[0]]);
            return;
        }

        var members = chunk.Select(i => requests[i]).ToArray();
        var rowCounts = members.Select(member => member.Rows).ToArray();
        try
        {
            var stacked = Enumerable.Range(0, members[0].Inputs.Length)
                .Select(position => Stack(members.Select(member => member.Inputs[position]).ToArray()))
                .ToArray();
            var outputs = Run(stacked, members[0].Outputs);
            if (outputs.Any(output => output.Shape.Length == 0 || output.Shape[0] != rowCounts.Sum()))
            {
                // The model did not keep the batch dimension in an output; the rows cannot be told apart.
                foreach (var index in chunk)
                {
                    results[index] = RunAlone(requests[index]);
                }
                return;
            }
            var perRequest = outputs.Select(output => TensorRows.Split(output, rowCounts)).ToArray();
            for (var member = 0; member < chunk.Count; member++)
            {
                results[chunk[member]] = new TensorResult([.. perRequest.Select(split => split[member])], null);
            }
        }
        catch (OnnxRuntimeException)
        {
            // One request's content (e.g. an index out of range) must not fail the others stacked with it.
            foreach (var index in chunk)
            {
                results[index] = RunAlone(requests[index]);
            }
        }
        catch (Exception exception)
        {
            foreach (var index in chunk)
            {
                results[index] = new TensorResult(null, exception);
            }
        }
    }

    private TensorResult RunAlone(TensorRequest request)
    {
        try
        {
            return new TensorResult(Run(request.Inputs, request.Outputs), null);
        }
        catch (Exception exception)
        {
            return new TensorResult(null, exception);
        }
    }

    private static InferTensor Stack(InferTensor[] parts)
    {
        var first = parts[0];
        long[] shape = [parts.Sum(part => part.Shape[0]), .. first.Shape.Skip(1)];
        if (first.DataType == TensorDataType.BYTES)
        {
            return InferTensor.FromStrings(first.Name, shape, [.. parts.SelectMany(part => part.Strings!)]);
        }
        var data = new byte[parts.Sum(part => part.Data.LongLength)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.Data.CopyTo(data, offset);
            offset += part.Data.Length;
        }
        return InferTensor.FromBytes(first.Name, first.DataType, shape, data);
    }

    private InferTensor[] Run(InferTensor[] inputs, string[] outputNames)
    {
        var values = new OrtValue[inputs.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                values[i] = ToOrtValue(inputs[i]);
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [.. inputs.Select(input => input.Name)], values, outputNames);
            return [.. outputs.Select((value, i) => FromOrtValue(outputNames[i], value))];
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    private static OrtValue ToOrtValue(InferTensor tensor)
    {
        if (tensor.DataType == TensorDataType.BYTES)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            for (var i = 0; i < tensor.Strings!.Length; i++)
            {
                strings.StringTensorSetElementAt(tensor.Strings[i], i);
            }
            return strings;
        }
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, tensor.DataType.ToElementType(), tensor.Shape);
        tensor.Data.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    private static InferTensor FromOrtValue(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var dataType = TensorDataTypes.FromElementType(info.ElementDataType)
            ?? throw new InvalidOperationException($"Output '{name}' is of type {info.ElementDataType}, which the protocol cannot carry.");
        if (dataType == TensorDataType.BYTES)
        {
            var count = (int)info.ElementCount;
            var strings = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                // The element's own bytes: GetStringElement would decode them as UTF-8 and replace what is not.
                strings[i] = value.GetStringElementAsSpan(i).ToArray();
            }
            return InferTensor.FromStrings(name, info.Shape, strings);
        }
        return InferTensor.FromBytes(name, dataType, info.Shape, value.GetTensorMutableRawData().ToArray());
    }

    private static void CheckMatches(InferTensor input, TensorDescription expected)
    {
        if (expected.ProtocolType != input.DataType)
        {
            throw InferenceException.InvalidInput($"Input '{input.Name}' is {input.DataType}; the model expects {expected.ProtocolType?.ToString() ?? expected.ElementType}.");
        }
        if (input.Shape.Length != expected.Shape.Length)
        {
            throw InferenceException.InvalidInput(
                $"Input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; the model expects [{string.Join(",", expected.Shape)}] (-1 is any size).");
        }
        for (var d = 0; d < input.Shape.Length; d++)
        {
            if (expected.Shape[d] >= 0 && expected.Shape[d] != input.Shape[d])
            {
                throw InferenceException.InvalidInput(
                    $"Input '{input.Name}' has shape [{string.Join(",", input.Shape)}]; the model expects [{string.Join(",", expected.Shape)}] (-1 is any size).");
            }
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(name => $"'{name}'"));
}
