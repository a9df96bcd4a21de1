using Inference.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Inference.Dashboard.Components.Pages.Predict;

/// <summary>
/// What the text and image panels share: the target (model, version, client id, comparison), the requests in flight,
/// their results or the error. An error clears every result, so nothing stale stays on screen beside it.
/// </summary>
public abstract class PredictionPanelBase : ComponentBase, IDisposable
{
    // Cancels requests still running when the user leaves the page.
    private readonly CancellationTokenSource _lifetime = new();

    [Inject]
    protected InferenceApiClient InferenceApi { get; set; } = default!;

    /// <summary>Every model of this panel's task, servable or not, in the order the API lists them.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ModelSummary> Models { get; set; } = [];

    /// <summary>
    /// Whether this panel is the visible tab. Ids that both panels render (the bars, the error) go to the visible one
    /// only, so that they stay unique in the page.
    /// </summary>
    [Parameter]
    public bool IsActive { get; set; }

    protected PredictionTarget Target { get; } = new();

    protected bool IsBusy { get; set; }

    protected string? ErrorMessage { get; set; }

    /// <summary>One result per asked version: one, or two side by side when comparing.</summary>
    protected IReadOnlyList<ServedPrediction> Results { get; private set; } = [];

    protected CancellationToken Lifetime => _lifetime.Token;

    protected string? IdWhenActive(string id) => IsActive ? id : null;

    /// <summary>The execution provider of the version that answered, from the model list.</summary>
    protected string? ProviderOf(PredictionResult result) =>
        Models.FirstOrDefault(model => model.Name == result.Model)?.AllVersions
            .FirstOrDefault(version => version.Version == result.Version)?.ExecutionProvider;

    /// <summary>The model to start from when it is listed (a link's <c>?model=</c>); otherwise the first servable one.</summary>
    [Parameter]
    public string? PreferredModel { get; set; }

    protected override void OnParametersSet() => Target.Fit(Models, PreferredModel);

    /// <summary>A new choice of model or version: results of the old one would mislead.</summary>
    protected void TargetChanged()
    {
        Results = [];
        ErrorMessage = null;
    }

    /// <summary>Asks every target version (concurrently when comparing), keeping the busy flag, results and error in step.</summary>
    protected async Task PredictAsync(Func<int?, CancellationToken, Task<ServedPrediction>> predict)
    {
        IsBusy = true;
        ErrorMessage = null;
        try
        {
            Results = await Task.WhenAll(Target.Versions.Select(version => predict(version, Lifetime)));
        }
        catch (InferenceApiException exception)
        {
            Results = [];
            ErrorMessage = exception.Message;
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            // The component is going away; nobody is left to show the outcome to.
        }
        finally
        {
            IsBusy = false;
        }
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }
}
