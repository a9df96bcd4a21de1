using Inference.Dashboard.Services;

namespace Inference.Dashboard.Components.Pages.Predict;

/// <summary>What a prediction is asked of: a model, a version (null: its traffic split decides), a client id, and optionally a second version to compare.</summary>
public sealed class PredictionTarget
{
    public string? Model { get; set; }

    public int? Version { get; set; }

    public string? ClientId { get; set; }

    public bool Compare { get; set; }

    public int? CompareVersion { get; set; }

    /// <summary>The versions to ask, in order: the chosen one, then the comparison's when comparing.</summary>
    public IReadOnlyList<int?> Versions => Compare ? [Version, CompareVersion] : [Version];

    /// <summary>
    /// Keeps the choice while the model is still listed; otherwise starts from <paramref name="preferred"/> when listed (a
    /// link's <c>?model=</c>), else the first servable model, with its split.
    /// </summary>
    public void Fit(IReadOnlyList<ModelSummary> models, string? preferred = null)
    {
        if (Model is null || !models.Any(model => model.Name == Model))
        {
            Model = (models.FirstOrDefault(model => model.Name == preferred) ?? models.FirstOrDefault(model => model.IsReady)
                ?? models.FirstOrDefault())?.Name;
            Version = null;
            CompareVersion = null;
        }
    }
}
