using System.Diagnostics;
using Inference.Engine.Execution;

namespace Inference.Api.Monitoring;

/// <summary>
/// The transport's two stages of <c>inference_request_stage_duration_seconds</c>: parse (from the endpoint's start to
/// the decoded request: body read, JSON, binding) and serialize (from the handler's answer to the response written).
/// One small object per timed request, carried as a request feature from the endpoint's wrapper to its handler.
/// </summary>
public sealed class RequestStageTiming(InferenceTelemetry telemetry)
{
    private readonly long _endpointStarted = Stopwatch.GetTimestamp();
    private long _parsed;
    private long _answered;
    private string? _model;

    /// <summary>The timing of the current request, when its endpoint is timed (<see cref="RequestStageTimingExtensions.WithStageTiming"/>).</summary>
    public static RequestStageTiming? Of(HttpContext context) => context.Features.Get<RequestStageTiming>();

    /// <summary>The request is decoded: parse ends now (the first call counts).</summary>
    public void Parsed()
    {
        if (_parsed == 0)
        {
            _parsed = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The handler has its answer from <paramref name="model"/>: records parse, and serialize starts now.</summary>
    public void Answered(string model)
    {
        Parsed();
        telemetry.RecordStage(model, RequestStages.Parse, Stopwatch.GetElapsedTime(_endpointStarted, _parsed));
        _model = model;
        _answered = Stopwatch.GetTimestamp();
    }

    /// <summary>The response is written; only answered requests record it (a failure has no model run to compare with).</summary>
    internal void Written()
    {
        if (_model is not null)
        {
            telemetry.RecordStageSince(_model, RequestStages.Serialize, _answered);
        }
    }
}

/// <summary>Times an endpoint's parse and serialize stages.</summary>
public static class RequestStageTimingExtensions
{
    /// <summary>
    /// Wraps each endpoint's request delegate (which binds and reads the body, calls the handler and writes its result), so
    /// the handler can say when the request was decoded and when it had its answer.
    /// </summary>
    public static TBuilder WithStageTiming<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var telemetry = endpoint.ApplicationServices.GetRequiredService<InferenceTelemetry>();
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                var timing = new RequestStageTiming(telemetry);
                context.Features.Set(timing);
                var handled = inner(context);
                if (!handled.IsCompletedSuccessfully)
                {
                    return WrittenAsync(handled, timing);
                }
                timing.Written();
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    private static async Task WrittenAsync(Task handled, RequestStageTiming timing)
    {
        await handled;
        timing.Written();
    }
}
