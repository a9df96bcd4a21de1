using System.Text.Json;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Repository;

namespace Inference.Api.Jobs;

/// <summary>
/// What every item of a zero-shot or embedding job shares, given once per job: the candidate labels, template and
/// multi-label choice of a zero-shot job; the pooling and normalization of an embedding job.
/// </summary>
public sealed record JobTaskParameters(
    IReadOnlyList<string>? CandidateLabels = null,
    string? HypothesisTemplate = null,
    bool? MultiLabel = null,
    string? Pooling = null,
    bool? Normalize = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JobTaskParameters None { get; } = new();

    /// <summary>The zero-shot question of one item.</summary>
    public ZeroShotQuestion ZeroShot(string text) =>
        new(text, CandidateLabels ?? [], HypothesisTemplate ?? ZeroShotQuestion.DefaultTemplate, MultiLabel ?? false, Truncation: false);

    /// <summary>The embedding question of one item.</summary>
    public EmbeddingQuestion Embedding(string text) => new([text], Pooling, Normalize ?? true, Truncation: false);

    /// <summary>As stored on the job (null when the job has none).</summary>
    public string? Serialize() => this == None ? null : JsonSerializer.Serialize(this, Json);

    public static JobTaskParameters Parse(string? stored) =>
        stored is null ? None : JsonSerializer.Deserialize<JobTaskParameters>(stored, Json) ?? None;
}

/// <summary>Decides a job's item kind from its model and parameters, refusing (400) parameters the model cannot use.</summary>
public static class JobTask
{
    /// <summary>
    /// The item kind: <c>embedding</c> for an encoder; <c>zero-shot</c> for an NLI model given candidate labels (checked
    /// here, once for the whole job); <c>text</c> or <c>image</c> for classifiers.
    /// </summary>
    public static string KindOf(ModelVersion model, JobTaskParameters parameters, InferenceEngine engine)
    {
        var zeroShot = parameters.CandidateLabels is not null || parameters.HypothesisTemplate is not null || parameters.MultiLabel is not null;
        var embedding = parameters.Pooling is not null || parameters.Normalize is not null;
        var kind = JobItemKinds.For(model, zeroShot);
        if (zeroShot && kind != JobItemKinds.ZeroShot)
        {
            throw InferenceException.InvalidInput($"candidateLabels, hypothesisTemplate and multiLabel are for zero-shot jobs; model '{model.Name}' is not an NLI model.");
        }
        if (embedding && kind != JobItemKinds.Embedding)
        {
            throw InferenceException.InvalidInput($"pooling and normalize are for embedding jobs; model '{model.Name}' is not an encoder.");
        }
        if (kind == JobItemKinds.ZeroShot)
        {
            engine.CheckCandidateLabels(parameters.CandidateLabels, parameters.HypothesisTemplate ?? ZeroShotQuestion.DefaultTemplate);
        }
        if (kind == JobItemKinds.Embedding && parameters.Pooling is not null)
        {
            InferenceEngine.CheckPooling(parameters.Pooling);
        }
        return kind;
    }
}
