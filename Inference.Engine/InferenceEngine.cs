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
    double InferenceTimeMs);

/// <summary>
/// Pre-processing, model run and post-processing for classification models. Free of any transport: the HTTP
/// API, batch consumers and benchmarks all call it.
/// </summary>
public sealed class InferenceEngine(ModelRepository repository, IOptions<InferenceOptions> options, InferenceTelemetry telemetry)
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
        if (kind == InferenceErrorKind.Overloaded)
        {
            telemetry.RecordAdmissionRefusal(model.Name, model.Version);
        }
        model.Statistics.RecordRequest(success: false, elapsed);
    }

    public Task<ClassificationResult> ClassifyTextAsync(ModelVersion model, string text, CancellationToken cancellationToken) =>
        ClassifyTextAsync(model, text, InferencePriority.Online, cancellationToken);

    public Task<ClassificationResult> ClassifyTextAsync(ModelVersion model, string text, InferencePriority priority, CancellationToken cancellationToken)
    {
        if (text.Length > _options.MaxTextCharacters)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"Text is {text.Length:N0} characters; at most {_options.MaxTextCharacters:N0} are accepted.");
        }

        return MeasureAsync(model, async () =>
        {
            EncodedText encoded;
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                encoded = model.TextEncoder!.Encode(text);
            }
            var output = await model.InferTextAsync(encoded, priority, cancellationToken);
            return Postprocess(model, output, model.Labels.Count == 0 ? int.MaxValue : model.Labels.Count);
        });
    }

    public Task<ClassificationResult> ClassifyImageAsync(ModelVersion model, byte[] image, int top, CancellationToken cancellationToken) =>
        ClassifyImageAsync(model, image, top, InferencePriority.Online, cancellationToken);

    public Task<ClassificationResult> ClassifyImageAsync(ModelVersion model, byte[] image, int top, InferencePriority priority, CancellationToken cancellationToken)
    {
        if (top < 1)
        {
            throw InferenceException.InvalidInput($"top must be at least 1, not {top}.");
        }

        return MeasureAsync(model, async () =>
        {
            var tensor = new float[model.ImagePreprocessor!.SampleLength];
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                model.ImagePreprocessor.Preprocess(image, tensor);
            }
            var output = await model.InferImageAsync(tensor, priority, cancellationToken);
            return Postprocess(model, output, top);
        });
    }

    private ModelVersion Resolve(string name, int? version, string task, string what)
    {
        if (version is < 1)
        {
            throw InferenceException.InvalidInput($"version must be a positive number, not {version}.");
        }

        var model = repository.Resolve(name, version);
        return model.Configuration.Task == task
            ? model
            : throw InferenceException.InvalidInput($"Model '{name}' is a {model.Configuration.Task} model; it does not classify {what}.");
    }

    private static ClassificationResult Postprocess(ModelVersion model, float[] output, int top)
    {
        using var _ = InferenceTelemetry.ActivitySource.StartActivity("postprocess");
        var probabilities = output;
        if (model.Configuration.OutputKind == "logits")
        {
            probabilities = new float[output.Length];
            ClassificationMath.Softmax(output, probabilities);
        }
        var ranked = ClassificationMath.TopK(probabilities, model.Labels, top);
        return new ClassificationResult(model.Name, model.Version, ranked[0].Label, ranked[0].Score, ranked, 0);
    }

    private async Task<ClassificationResult> MeasureAsync(ModelVersion model, Func<Task<ClassificationResult>> predict)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await predict();
            var elapsed = Stopwatch.GetElapsedTime(started);
            telemetry.RecordPrediction(model.Name, model.Version, "success", elapsed);
            model.Statistics.RecordRequest(success: true, elapsed);
            return result with { InferenceTimeMs = Math.Round(elapsed.TotalMilliseconds, 3) };
        }
        catch (InferenceException exception)
        {
            RecordFailedRequest(model, exception.Kind, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}
