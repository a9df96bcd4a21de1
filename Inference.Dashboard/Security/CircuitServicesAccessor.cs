namespace Inference.Dashboard.Security;

/// <summary>
/// The services of the Blazor circuit whose event is being handled. HttpClient message handlers live in a DI scope of their
/// own, so this is how <see cref="SignedInKeyHandler"/> finds the circuit's user (ASP.NET Core's documented pattern for
/// reaching circuit services from another scope).
/// </summary>
public sealed class CircuitServicesAccessor
{
    private static readonly AsyncLocal<IServiceProvider?> CircuitServices = new();

    public IServiceProvider? Services
    {
        get => CircuitServices.Value;
        set => CircuitServices.Value = value;
    }
}
