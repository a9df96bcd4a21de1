using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Inference.Dashboard.Security;

/// <summary>Makes the circuit's services visible through <see cref="CircuitServicesAccessor"/> while the circuit handles an event.</summary>
public sealed class CircuitServicesAccessorHandler(IServiceProvider services, CircuitServicesAccessor accessor) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            accessor.Services = services;
            await next(context);
            accessor.Services = null;
        };
}
