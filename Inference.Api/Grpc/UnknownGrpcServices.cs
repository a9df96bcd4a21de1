using Grpc.Core;

namespace Inference.Api.Grpc;

/// <summary>
/// A gRPC call to a service this server does not have ends with UNIMPLEMENTED, as gRPC clients expect, not with an
/// HTTP 404. grpc-dotnet's own catch-all for unknown services is off (see <see cref="GrpcEndpointExtensions"/>), so this
/// answers only requests that carry gRPC's content type and matched no endpoint; REST requests are left alone.
/// Unknown methods of a known service are answered by grpc-dotnet itself.
/// </summary>
public static class UnknownGrpcServices
{
    public static IApplicationBuilder UseUnimplementedForUnknownGrpcServices(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is not null || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
            {
                return next(context);
            }
            // A trailers-only response: the status travels in the headers of an empty 200 response.
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = "Service is unimplemented.";
            return Task.CompletedTask;
        });
}
