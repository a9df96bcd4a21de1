using System.Buffers;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Engine.Repository;

/// <summary>
/// One loaded, warmed version of a model: its ONNX session, its pre/post-processing and the batcher that
/// feeds it. Every run goes through <see cref="InferTextAsync"/> or <see cref="InferImageAsync"/>.
/// </summary>
public sealed partial class ModelVersion : IMeasuredModel, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;
    private readonly string[] _inputNames;
    private readonly SemaphoreSlim? _globalLock;
    private readonly DynamicBatcher<EncodedText, float[]>? _textBatcher;
    private readonly DynamicBatcher<float[], float[]>? _imageBatcher;
    private readonly DynamicBatcher<TensorRequest, TensorResult>? _tensorBatcher;
    private int _runsOutsideBatcher;
    private long _lastOnlineRequest;
    private volatile bool _retired;

    internal ModelVersion(ModelVersionParts parts, BatchingOptions batching, SemaphoreSlim? globalLock, IBatchObserver? observer)
    {
        (Name, Version, Configuration, Labels, Head, Provider, Fingerprint, ModelBytes, TextEncoder, ImagePreprocessor) =
            (parts.Name, parts.Version, parts.Configuration, parts.Labels, parts.Head, parts.Provider, parts.Fingerprint, parts.ModelBytes,
             parts.TextEncoder, parts.ImagePreprocessor);
        _session = parts.Session;
        _globalLock = globalLock;
        Inputs = Describe(_session.InputMetadata);
        Outputs = Describe(_session.OutputMetadata);
        _outputNames = [Configuration.Output ?? DefaultOutput(_session, Configuration.Task)];
        if (!_session.OutputMetadata.ContainsKey(_outputNames[0]))
        {
            throw new ArgumentException($"output '{_outputNames[0]}' is not among the model's outputs ({string.Join(", ", _session.OutputNames)}).");
        }
        _inputNames = TextEncoder is not null ? TextInputs.Of(_session) : [Configuration.Input ?? _session.InputNames[0]];
        EntailmentLabels = ZeroShotLabels.Find(Labels);
        if (!_session.InputMetadata.TryGetValue(_inputNames[0], out var mainInput))
        {
            throw new ArgumentException($"input '{_inputNames[0]}' is not among the model's inputs ({string.Join(", ", _session.InputNames)}).");
        }

        Batching = BatchingPlan.For(batching, Name, Configuration.Batching, mainInput.Dimensions.Length > 0 ? mainInput.Dimensions[0] : 1);
        Statistics = new ModelStatistics(observer);
        Tensors = new TensorRunner(_session, Inputs, Outputs, Batching.Enabled ? Batching.MaxBatchSize : 1);
        if (Batching.Enabled)
        {
            if (TextEncoder is not null)
            {
                _textBatcher = new DynamicBatcher<EncodedText, float[]>(Name, Version, Batching, LockedIfConfigured<EncodedText, float[]>(RunTextBatch), Statistics);
            }
            else if (ImagePreprocessor is not null)
            {
                _imageBatcher = new DynamicBatcher<float[], float[]>(Name, Version, Batching, LockedIfConfigured<float[], float[]>(RunImageBatch), Statistics);
            }
            // Raw tensors (Open Inference Protocol) for every model, batched in a queue of their own; one request per run
            // when the model cannot stack them, so executions and batch statistics count what really ran.
            _tensorBatcher = new DynamicBatcher<TensorRequest, TensorResult>(Name, Version,
                Tensors.CanBatch ? Batching : Batching with { MaxBatchSize = 1 }, LockedIfConfigured<TensorRequest, TensorResult>(Tensors.RunBatch), Statistics);
        }
    }

    public string Name { get; }

    public int Version { get; }

    public ModelConfiguration Configuration { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Multi-label or not, threshold, default pooling.</summary>
    public OutputHeadSettings Head { get; }

    /// <summary>Where entailment and contradiction are among the labels of an NLI model; null for other models.</summary>
    public ZeroShotLabels? EntailmentLabels { get; }

    public ExecutionProviderChoice Provider { get; }

    /// <summary>Content hash of the ONNX file: answers cached for one file are never served for another.</summary>
    public string Fingerprint { get; }

    /// <summary>Size of the ONNX file.</summary>
    public long ModelBytes { get; }

    /// <summary>Resident memory the process grew by while loading and warming this version (measured).</summary>
    public long MemoryBytes { get; internal set; }

    public BatchingPlan Batching { get; }

    public TextEncoder? TextEncoder { get; }

    public ImagePreprocessor? ImagePreprocessor { get; }

    public IReadOnlyList<TensorDescription> Inputs { get; }

    public IReadOnlyList<TensorDescription> Outputs { get; }

    /// <summary>The output the task reads (logits, an encoder's states, ...).</summary>
    public string OutputName => _outputNames[0];

    /// <summary>Validates and runs raw tensor requests against this version's session.</summary>
    public TensorRunner Tensors { get; }

    /// <summary>Cumulative request, queue and compute figures since this version was loaded.</summary>
    public ModelStatistics Statistics { get; }

    public int QueueDepth => (_textBatcher?.QueueDepth ?? _imageBatcher?.QueueDepth ?? 0) + (_tensorBatcher?.QueueDepth ?? 0);

    /// <summary>When the last online (not background) request for this version arrived, as <see cref="Environment.TickCount64"/>.</summary>
    public long LastOnlineRequestTicks => Volatile.Read(ref _lastOnlineRequest);

    /// <summary>Runs one encoded text (batched with concurrent ones when batching is on); returns its output row.</summary>
    public Task<float[]> InferTextAsync(EncodedText text, CancellationToken cancellationToken) =>
        InferTextAsync(text, InferencePriority.Online, cancellationToken);

    /// <summary>As <see cref="InferTextAsync(EncodedText, CancellationToken)"/>; background work yields batch slots to online requests.</summary>
    public Task<float[]> InferTextAsync(EncodedText text, InferencePriority priority, CancellationToken cancellationToken)
    {
        NoteOnline(priority);
        return _textBatcher is not null
            ? _textBatcher.EnqueueAsync(text, priority, cancellationToken)
            : RunAloneAsync(() => RunTextBatch([text])[0], cancellationToken);
    }

    /// <summary>Runs one pre-processed image (batched with concurrent ones when batching is on); returns its output row.</summary>
    public Task<float[]> InferImageAsync(float[] tensor, CancellationToken cancellationToken) =>
        InferImageAsync(tensor, InferencePriority.Online, cancellationToken);

    /// <summary>As <see cref="InferImageAsync(float[], CancellationToken)"/>; background work yields batch slots to online requests.</summary>
    public Task<float[]> InferImageAsync(float[] tensor, InferencePriority priority, CancellationToken cancellationToken)
    {
        NoteOnline(priority);
        return _imageBatcher is not null
            ? _imageBatcher.EnqueueAsync(tensor, priority, cancellationToken)
            : RunAloneAsync(() => RunImageBatch([tensor])[0], cancellationToken);
    }

    /// <summary>Runs one validated tensor request (batched with compatible concurrent ones when batching is on); returns its outputs.</summary>
    public async Task<InferTensor[]> InferTensorsAsync(TensorRequest request, InferencePriority priority, CancellationToken cancellationToken)
    {
        NoteOnline(priority);
        var result = _tensorBatcher is not null
            ? await _tensorBatcher.EnqueueAsync(request, priority, cancellationToken)
            : await RunAloneAsync(() => Tensors.RunBatch([request])[0], cancellationToken);
        return result.Outputs ?? throw result.Error switch
        {
            InferenceException known => known,
            // Inputs were checked against the model's signature, so what fails now is their content (e.g. an index out of range).
            OnnxRuntimeException runtime => InferenceException.InvalidInput($"The model could not run on these inputs: {runtime.Message}"),
            var other => new InvalidOperationException("The tensor run failed.", other),
        };
    }

    /// <summary>
    /// Refuses at once an online request that its batcher could not start within the queue-time budget (or whose queue is
    /// full): called before pre-processing, so a refused request costs no work. <paramref name="rawTensors"/> picks the
    /// raw-tensor queue instead of the task's.
    /// </summary>
    public void CheckAdmission(InferencePriority priority, bool rawTensors = false)
    {
        if (rawTensors)
        {
            _tensorBatcher?.CheckAdmission(priority);
            return;
        }
        _textBatcher?.CheckAdmission(priority);
        _imageBatcher?.CheckAdmission(priority);
    }

    /// <summary>Records when online traffic last arrived: batch jobs yield the CPU while it lasts.</summary>
    private void NoteOnline(InferencePriority priority)
    {
        if (priority == InferencePriority.Online)
        {
            Volatile.Write(ref _lastOnlineRequest, Environment.TickCount64);
        }
    }

    private Func<IReadOnlyList<T>, TOutput[]> LockedIfConfigured<T, TOutput>(Func<IReadOnlyList<T>, TOutput[]> run) =>
        _globalLock is null
            ? run
            : inputs =>
            {
                _globalLock.Wait();
                try
                {
                    return run(inputs);
                }
                finally
                {
                    _globalLock.Release();
                }
            };

    private async Task<T> RunAloneAsync<T>(Func<T> run, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runsOutsideBatcher);
        try
        {
            if (_retired)
            {
                throw new InferenceException(InferenceErrorKind.ModelUnavailable, $"Model '{Name}' version {Version} was unloaded; retry.");
            }
            if (_globalLock is not null)
            {
                await _globalLock.WaitAsync(cancellationToken);
            }
            try
            {
                using var activity = InferenceTelemetry.ActivitySource.StartActivity("run");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    return run();
                }
                finally
                {
                    Statistics.RecordUnbatchedRun(Name, Version, Stopwatch.GetElapsedTime(started));
                }
            }
            finally
            {
                _globalLock?.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _runsOutsideBatcher);
        }
    }

    /// <summary>Finishes queued and running work, then releases the session.</summary>
    public void Dispose()
    {
        _retired = true;
        _textBatcher?.Dispose();
        _imageBatcher?.Dispose();
        _tensorBatcher?.Dispose();
        SpinWait.SpinUntil(() => Volatile.Read(ref _runsOutsideBatcher) == 0, TimeSpan.FromSeconds(30));
        _session.Dispose();
        TextEncoder?.Dispose();
    }

    /// <summary>The classifier's <c>logits</c>, an encoder's pooled or token states, else the first output.</summary>
    private static string DefaultOutput(InferenceSession session, string task)
    {
        string[] preferred = task == ModelTasks.FeatureExtraction
            ? ["sentence_embedding", "last_hidden_state", "token_embeddings"]
            : ["logits"];
        return preferred.FirstOrDefault(session.OutputMetadata.ContainsKey) ?? session.OutputNames[0];
    }

    private static TensorDescription[] Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        [.. metadata.Select(entry => new TensorDescription(
            entry.Key,
            entry.Value.IsTensor ? entry.Value.ElementDataType.ToString().ToUpperInvariant() : entry.Value.OnnxValueType.ToString(),
            [.. entry.Value.Dimensions.Select(d => (long)d)])
        {
            ProtocolType = entry.Value.IsTensor ? TensorDataTypes.FromElementType(entry.Value.ElementDataType) : null,
        })];
}

/// <summary>What the loader assembles before a <see cref="ModelVersion"/> exists.</summary>
internal sealed record ModelVersionParts(
    string Name,
    int Version,
    ModelConfiguration Configuration,
    IReadOnlyList<string> Labels,
    OutputHeadSettings Head,
    InferenceSession Session,
    ExecutionProviderChoice Provider,
    string Fingerprint,
    long ModelBytes,
    TextEncoder? TextEncoder,
    ImagePreprocessor? ImagePreprocessor);
