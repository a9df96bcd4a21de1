using Inference.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Inference.Dashboard.Components.Predict;

/// <summary>
/// What the text and image panels share: the chosen model, the request in flight, its result or error.
/// </summary>
public abstract class PredictionPanelBase : ComponentBase, IDisposable
{
    // Cancels a request still running when the user leaves the page.
    private readonly CancellationTokenSource _lifetime = new();

    [Inject]
    protected InferenceApiClient InferenceApi { get; set; } = default!;

    /// <summary>The models of this panel's task, in the order the API lists them.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ModelSummary> Models { get; set; } = [];

    /// <summary>
    /// Whether this panel is the visible tab. Ids that both panels render (the bars, the error) go to the
    /// visible one only, so that they stay unique in the page.
    /// </summary>
    [Parameter]
    public bool IsActive { get; set; }

    /// <summary>The model to start from when it is served (a link's <c>?model=</c>); otherwise the first one.</summary>
    [Parameter]
    public string? PreferredModel { get; set; }

    protected string? SelectedModel { get; set; }

    protected bool IsBusy { get; set; }

    protected string? ErrorMessage { get; set; }

    protected PredictionResult? Result { get; set; }

    protected CancellationToken Lifetime => _lifetime.Token;

    protected string? IdWhenActive(string id) => IsActive ? id : null;

    protected override void OnParametersSet()
    {
        // Keep the user's choice while it is still served; otherwise start from the preferred model, else the first.
        if (SelectedModel is null || !Models.Any(model => model.Name == SelectedModel))
        {
            SelectedModel = Models.FirstOrDefault(model => model.Name == PreferredModel)?.Name ?? Models.FirstOrDefault()?.Name;
        }
    }

    /// <summary>Runs one prediction, keeping the busy flag, the result and the error message in step.</summary>
    protected async Task PredictAsync(Func<CancellationToken, Task<PredictionResult>> predict)
    {
        IsBusy = true;
        ErrorMessage = null;
        try
        {
            Result = await predict(Lifetime);
        }
        catch (InferenceApiException exception)
        {
            Result = null;
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
