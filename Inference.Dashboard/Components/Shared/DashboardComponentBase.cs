using Inference.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Inference.Dashboard.Components.Shared;

/// <summary>
/// What every console page (and each part of one that calls the API) shares: the API client, a token that cancels its calls when the user leaves, and the
/// <c>data-interactive</c> flag that turns "true" once the circuit is live and the first load has finished, so that
/// browser tests know when clicks will be handled.
/// </summary>
public abstract class DashboardComponentBase : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private bool _rendered;

    [Inject]
    protected InferenceApiClient InferenceApi { get; set; } = default!;

    protected CancellationToken Lifetime => _lifetime.Token;

    /// <summary>True while the page's first load runs.</summary>
    protected bool Loading { get; set; } = true;

    /// <summary>"true" once clicks reach the page, for the page's root element's <c>data-interactive</c>.</summary>
    protected string Interactive => _rendered && !Loading ? "true" : "false";

    protected override async Task OnInitializedAsync()
    {
        // Prerendering only shows the loading state: fetching once the circuit is up means a slow or unreachable API
        // never holds up the first paint.
        if (RendererInfo.IsInteractive)
        {
            try
            {
                await LoadAsync();
            }
            finally
            {
                Loading = false;
            }
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _rendered = true;
            StateHasChanged();
        }
    }

    /// <summary>The page's first load, once interactive; errors it shows itself.</summary>
    protected abstract Task LoadAsync();

    /// <summary>
    /// Runs an API call and returns null on failure after passing the user-facing message to <paramref name="onError"/>;
    /// a call cut short because the user left is dropped quietly.
    /// </summary>
    protected async Task<T?> TryAsync<T>(Func<CancellationToken, Task<T>> call, Action<string> onError) where T : class
    {
        T? result = null;
        await TryRunAsync(async token => result = await call(token), onError);
        return result;
    }

    /// <summary>Like <see cref="TryAsync{T}"/> for calls without a result: true when the call succeeded.</summary>
    protected async Task<bool> TryRunAsync(Func<CancellationToken, Task> call, Action<string> onError)
    {
        try
        {
            await call(Lifetime);
            return true;
        }
        catch (InferenceApiException exception)
        {
            onError(exception.Message);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
        }
        return false;
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }
}
