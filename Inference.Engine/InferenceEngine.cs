using System.Diagnostics;
using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Repository;
using Inference.Engine.Tensors;
using Microsoft.Extensions.Options;

namespace Inference.Engine;

/// <summary>One prediction: the winning label, every ranked score, and which model version produced it.</summary>
public sealed record ClassificationResult(
    string Model,
    int Version,
    string Label,
    float Score,
    IReadOnlyList<ClassScore> Predictions,
    double InferenceTimeMs)
{
    /// <summary>A multi-label model's labels at or above its threshold; null for single-label models.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>True when the text was cut to the model's limit.</summary>
    public bool Truncated { get; init; }
}


/// <summary>
/// Pre-processing, model run and post-processing for classification models. Free of any transport: the HTTP
/// API, batch consumers and benchmarks all call it.
/// </summary>
public sealed partial class InferenceEngine(ModelRepository repository, IOptions<InferenceOptions> options, InferenceTelemetry telemetry)
{
    private readonly InferenceOptions _options = options.Value;

    public ModelVersion ResolveTextModel(string? name, int? version) =>
        Resolve(name ?? _options.DefaultTextModel, version, ModelTasks.TextClassification, "text");

    public ModelVersion ResolveImageModel(string? name, int? version) =>
        Resolve(name ?? _options.DefaultImageModel, version, ModelTasks.ImageClassification, "images");

    /// <summary>Any model, whatever its task (the raw tensor protocol serves them all).</summary>
    public ModelVersion ResolveModel(string name, int? version) =>
        version is < 1
            ? throw InferenceException.InvalidInput($"version must be a positive number, not {version}.")
            : repository.Resolve(name, version);

    /// <summary>
    /// Validates raw tensors against the model's signature and runs them through its batcher; returns the requested
    /// outputs (all when none are named), in the requested order.
    /// </summary>
    public async Task<InferTensor[]> InferTensorsAsync(
        ModelVersion model, IReadOnlyList<InferTensor> inputs, IReadOnlyList<string>? outputs, InferencePriority priority, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            model.CheckAdmission(priority, rawTensors: true);
            var request = model.Tensors.Validate(model.Name, inputs, outputs);
            var result = await model.InferTensorsAsync(request, priority, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            telemetry.RecordPrediction(model.Name, model.Version, "success", elapsed);
            model.Statistics.RecordRequest(success: true, elapsed, model.Tensors.CanBatch ? request.Rows : 1);
            return result;
        }
        catch (InferenceException exception)
        {
            RecordFailedRequest(model, exception.Kind, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    /// <summary>
    /// Counts a request that reached <paramref name="model"/> and failed before or during its run (e.g. tensors that
    /// could not be decoded), in the model's statistics and the request counter.
    /// </summary>
    public void RecordFailedRequest(ModelVersion model, InferenceErrorKind kind, TimeSpan elapsed)
    {
        telemetry.RecordPrediction(model.Name, model.Version, kind.ToString(), null);
        model.Statistics.RecordRequest(success: false, elapsed);
    }

    public Task<ClassificationResult> ClassifyImageAsync(ModelVersion model, byte[] image, int top, CancellationToken cancellationToken) =>
        ClassifyImageAsync(model, image, top, InferencePriority.Online, cancellationToken);

    public Task<ClassificationResult> ClassifyImageAsync(ModelVersion model, byte[] image, int top, InferencePriority priority, CancellationToken cancellationToken)
    {
        if (top < 1)
        {
            throw InferenceException.InvalidInput($"top must be at least 1, not {top}.");
        }

        return MeasureAsync(model, priority, async () =>
        {
            var tensor = new float[model.ImagePreprocessor!.SampleLength];
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                var started = Stopwatch.GetTimestamp();
                model.ImagePreprocessor.Preprocess(image, tensor);
                telemetry.RecordStageSince(model.Name, RequestStages.Preprocess, started);
            }
            var output = await model.InferImageAsync(tensor, priority, cancellationToken);
            return Postprocess(model, output, top);
        });
    }

    private ModelVersion Resolve(string name, int? version, string task, string what) =>
        Resolve(name, version, model => model.Configuration.Task == task, $"it does not classify {what}");

    private ModelVersion Resolve(string name, int? version, Func<ModelVersion, bool> serves, string refusal)
    {
        if (version is < 1)
        {
            throw InferenceException.InvalidInput($"version must be a positive number, not {version}.");
        }

        var model = repository.Resolve(name, version);
        return serves(model)
            ? model
            : throw InferenceException.InvalidInput($"Model '{name}' is a {model.Configuration.Task} model; {refusal}.");
    }

    /// <summary>Softmax (or, for a multi-label model, a sigmoid per label) and ranking; multi-label answers list the labels at or above the threshold.</summary>
    private ClassificationResult Postprocess(ModelVersion model, float[] output, int top)
    {
        using var _ = InferenceTelemetry.ActivitySource.StartActivity("postprocess");
        var started = Stopwatch.GetTimestamp();
        var result = Rank(model, output, top);
        telemetry.RecordStageSince(model.Name, RequestStages.Postprocess, started);
        return result;
    }

    private static ClassificationResult Rank(ModelVersion model, float[] output, int top)
    {
        var probabilities = output;
        if (model.Configuration.OutputKind == "logits")
        {
            probabilities = new float[output.Length];
            if (model.Head.MultiLabel)
            {
                ClassificationMath.Sigmoid(output, probabilities);
            }
            else
            {
                ClassificationMath.Softmax(output, probabilities);
            }
        }
        var ranked = ClassificationMath.TopK(probabilities, model.Labels, top);
        return new ClassificationResult(model.Name, model.Version, ranked[0].Label, ranked[0].Score, ranked, 0)
        {
            Labels = model.Head.MultiLabel
                ? [.. ClassificationMath.TopK(probabilities, model.Labels, probabilities.Length).Where(score => score.Score >= model.Head.Threshold).Select(score => score.Label)]
                : null,
        };
    }

    private Task<ClassificationResult> MeasureAsync(ModelVersion model, InferencePriority priority, Func<Task<ClassificationResult>> predict) =>
        MeasureAsync(model, priority, predict, (result, milliseconds) => result with { InferenceTimeMs = milliseconds });

    /// <summary>
    /// Runs one request once admitted (before any pre-processing), counting it (success or error kind) and stamping the
    /// time it took on its result.
    /// </summary>
    private async Task<TResult> MeasureAsync<TResult>(ModelVersion model, InferencePriority priority, Func<Task<TResult>> predict,
        Func<TResult, double, TResult> stamp)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            model.CheckAdmission(priority);
            var result = await predict();
            var elapsed = Stopwatch.GetElapsedTime(started);
            telemetry.RecordPrediction(model.Name, model.Version, "success", elapsed);
            model.Statistics.RecordRequest(success: true, elapsed);
            return stamp(result, Math.Round(elapsed.TotalMilliseconds, 3));
        }
        catch (InferenceException exception)
        {
            RecordFailedRequest(model, exception.Kind, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
