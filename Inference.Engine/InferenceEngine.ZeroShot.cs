using Inference.Engine.Errors;
using Inference.Engine.Execution;
using Inference.Engine.Processing;
using Inference.Engine.Repository;

namespace Inference.Engine;

/// <summary>A zero-shot question: which of the candidate labels the text is about.</summary>
public sealed record ZeroShotQuestion(string Text, IReadOnlyList<string> CandidateLabels, string HypothesisTemplate, bool MultiLabel, bool Truncation)
{
    public const string DefaultTemplate = "This example is {}.";
}

/// <summary>The candidate labels with their scores, best first.</summary>
public sealed record ZeroShotResult(string Model, int Version, string Sequence, IReadOnlyList<string> Labels, IReadOnlyList<float> Scores, double InferenceTimeMs)
{
    public bool Truncated { get; init; }
}

/// <summary>
/// Zero-shot classification with an NLI model, as Hugging Face's pipeline does it: one (text, hypothesis) pair per
/// label, all queued together so the batcher runs them as one batch; single-label scores are a softmax over the
/// entailment logits of all hypotheses, multi-label scores a softmax over contradiction vs entailment per hypothesis.
/// </summary>
public sealed partial class InferenceEngine
{
    public ModelVersion ResolveZeroShotModel(string name, int? version) =>
        Resolve(name, version, model => model.Configuration.Task == ModelTasks.TextClassification && model.EntailmentLabels is not null,
            "zero-shot needs an NLI text-classification model with labels named entailment and contradiction");

    public Task<ZeroShotResult> ClassifyZeroShotAsync(ModelVersion model, ZeroShotQuestion question, InferencePriority priority, CancellationToken cancellationToken)
    {
        CheckZeroShot(question);
        CheckLength(question.Text);
        var nli = model.EntailmentLabels!;
        return MeasureAsync(model, priority, async () =>
        {
            EncodedText[] pairs;
            using (InferenceTelemetry.ActivitySource.StartActivity("preprocess"))
            {
                pairs = [.. question.CandidateLabels.Select(label =>
                    model.TextEncoder!.Encode(question.Text, question.HypothesisTemplate.Replace("{}", label), question.Truncation, onlyFirst: true))];
            }
            var logits = await Task.WhenAll(pairs.Select(pair => model.InferTextAsync(pair, priority, cancellationToken)));
            var scores = ZeroShotScores(logits, nli, question.MultiLabel || question.CandidateLabels.Count == 1);
            var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
            return new ZeroShotResult(model.Name, model.Version, question.Text, [.. order.Select(i => question.CandidateLabels[i])],
                [.. order.Select(i => scores[i])], 0) { Truncated = pairs.Any(pair => pair.Truncated) };
        }, (result, milliseconds) => result with { InferenceTimeMs = milliseconds });
    }

    private static float[] ZeroShotScores(float[][] logits, ZeroShotLabels nli, bool independent)
    {
        var scores = new float[logits.Length];
        if (independent)
        {
            Span<float> pair = stackalloc float[2];
            for (var i = 0; i < logits.Length; i++)
            {
                ClassificationMath.Softmax([logits[i][nli.Contradiction], logits[i][nli.Entailment]], pair);
                scores[i] = pair[1];
            }
            return scores;
        }
        ClassificationMath.Softmax([.. logits.Select(row => row[nli.Entailment])], scores);
        return scores;
    }

    private void CheckZeroShot(ZeroShotQuestion question)
    {
        if (string.IsNullOrWhiteSpace(question.Text))
        {
            throw InferenceException.InvalidInput("Text must not be empty or whitespace.");
        }
        CheckCandidateLabels(question.CandidateLabels, question.HypothesisTemplate);
    }

    /// <summary>Refuses candidate labels or a template that no text could be classified with (batch jobs check them once, at submission).</summary>
    public void CheckCandidateLabels(IReadOnlyList<string>? candidateLabels, string hypothesisTemplate)
    {
        if (candidateLabels is not { Count: > 0 })
        {
            throw InferenceException.InvalidInput("candidateLabels must name at least one label, e.g. [\"sports\", \"politics\"].");
        }
        if (candidateLabels.Count > _options.MaxCandidateLabels)
        {
            throw InferenceException.InvalidInput($"candidateLabels has {candidateLabels.Count} labels; at most {_options.MaxCandidateLabels} are accepted.");
        }
        if (candidateLabels.Any(string.IsNullOrWhiteSpace))
        {
            throw InferenceException.InvalidInput("candidateLabels must not contain empty labels.");
        }
        if (candidateLabels.Distinct(StringComparer.Ordinal).Count() != candidateLabels.Count)
        {
            throw InferenceException.InvalidInput("candidateLabels names a label more than once.");
        }
        var placeholders = hypothesisTemplate.Split("{}").Length - 1;
        if (placeholders != 1)
        {
            throw InferenceException.InvalidInput(
                $"hypothesisTemplate must hold one {{}} where the label goes (e.g. \"{ZeroShotQuestion.DefaultTemplate}\"); '{hypothesisTemplate}' has {placeholders}.");
        }
    }
}
