using System.Security.Claims;
using System.Text.Json;
using System.Text;
using Inference.Api.Auditing;
using Inference.Api.Data;
using Inference.Api.Jobs;
using Inference.Api.RateLimiting;
using Inference.Api.Resilience;
using Inference.Api.Security;
using Inference.Engine;
using Inference.Engine.Errors;
using Inference.Engine.Repository;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Inference.Api.Apis;

/// <summary>What the job handlers need, injected as one parameter.</summary>
public sealed record BatchJobServices(
    ModelRepository Repository,
    BatchJobSubmitter Submitter,
    BatchJobStore Store,
    JobItemReader Items,
    IOptions<BatchJobOptions> Options,
    IOptions<InferenceOptions> Inference,
    InferenceEngine Engine,
    DependencyCircuits Circuits,
    ClaimsPrincipal User);

/// <summary>What reading and cancelling one job needs: the store, the caller (whose jobs it may see) and the audit log.</summary>
public sealed record JobAccessServices(BatchJobStore Store, ClaimsPrincipal User, AuditLog Audit, DependencyCircuits Circuits);

/// <summary>
/// Durable batch jobs: submit many items, follow progress, page or download results, cancel. A job belongs to the key that
/// submitted it: another key (not admin) is answered 404 on every route, as if the job did not exist; admins see every job
/// with its owner. Anonymous callers (only where keys are not required) see every job, as before jobs had owners.
/// </summary>
public static class JobsApi
{
    private const int DefaultListSize = 20;
    private const int MaxListSize = 100;
    private static readonly string[] States =
        [BatchJobStates.Queued, BatchJobStates.Running, BatchJobStates.Completed, BatchJobStates.Failed, BatchJobStates.Cancelled];

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<BatchJobOptions>>().Value;
        var api = app.MapGroup("api/jobs").WithTags("Jobs").AddEndpointFilter<InferenceErrorFilter>()
            .RequireInferAccess().WithRateLimit(RateLimitPolicies.Jobs);

        api.MapPost("/", SubmitJob)
            .WithName("SubmitJob")
            .WithSummary("Submit a batch job")
            .WithDescription(
                $"JSON {{\"model\", \"version\"?, \"top\"?, \"items\": [...]}} (zero-shot jobs add \"candidateLabels\", \"hypothesisTemplate\"?, \"multiLabel\"?; embedding jobs \"pooling\"?, \"normalize\"?), or multipart/form-data with a text or CSV 'file' (one item per line, " +
                $"or the CSV column named by 'column') and model/version/top/column as form fields or query. Up to {options.MaxItems:N0} items. " +
                "Answers 202 with the job and its Location.")
            // One Accepts call: routing answers 415 for any other content type.
            .Accepts<BatchJobRequest>("application/json", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/", ListJobs).WithName("ListJobs").WithSummary("Recent jobs, newest first: the caller's own (every job for admins)").ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/{id:guid}", GetJob).WithName("GetJob").WithSummary("A job's state, progress and timings")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}/results", GetResults)
            .WithName("GetJobResults")
            .WithSummary("A job's results")
            .WithDescription("format=json (default): a page of 'limit' results after item 'after', with the next page's URL. " +
                             "format=ndjson or format=csv: every result, streamed as a download.")
            .Produces(StatusCodes.Status200OK, contentType: JobResultDownloads.NdjsonContentType)
            .Produces(StatusCodes.Status200OK, contentType: JobResultDownloads.CsvContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}", CancelJob)
            .WithName("CancelJob")
            .WithSummary("Cancel a job: items not yet run are skipped, results already stored are kept")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Accepted<BatchJobStatus>> SubmitJob(
        HttpRequest request,
        [AsParameters] BatchJobServices services,
        string? model,
        int? version,
        int? top,
        string? column,
        CancellationToken cancellationToken)
    {
        LimitBody(request, services.Options.Value.MaxRequestBytes);
        ModelVersion resolved;
        IReadOnlyList<JobItem> items;
        JobTaskParameters parameters;
        string kind;
        if (request.HasJsonContentType())
        {
            var body = await ReadJsonAsync(request, cancellationToken);
            top = body.Top ?? top;
            resolved = Resolve(services, body.Model ?? model, body.Version ?? version, top);
            parameters = body.Parameters;
            kind = JobTask.KindOf(resolved, parameters, services.Engine);
            items = services.Items.FromJson(body.Items, kind, resolved.Name);
        }
        else if (request.HasFormContentType)
        {
            var form = await ReadFormAsync(request, cancellationToken);
            top = top ?? Integer(form, "top");
            resolved = Resolve(services, model ?? Text(form, "model"), version ?? Integer(form, "version"), top);
            parameters = TaskParameters(form);
            kind = JobTask.KindOf(resolved, parameters, services.Engine);
            items = await ReadFileAsync(form, column ?? Text(form, "column"), kind, services, cancellationToken);
        }
        else
        {
            throw new InferenceException(InferenceErrorKind.UnsupportedMediaType,
                $"Send the job as application/json or as multipart/form-data with a 'file' field, not '{request.ContentType ?? "no content type"}'.");
        }

        var caller = ApiCaller.From(services.User);
        var job = await services.Submitter.SubmitAsync(resolved, kind, parameters, items, top, caller, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", BatchJobStatus.For(job, caller, services.Circuits.Redis.Status));
    }

    public static async Task<Results<Ok<BatchJobStatus>, ProblemHttpResult>> GetJob(
        Guid id, [AsParameters] JobAccessServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(services.User);
        return await services.Store.FindAsync(id, caller.JobOwnerFilter, cancellationToken) is { } job
            ? TypedResults.Ok(BatchJobStatus.For(job, caller, services.Circuits.Redis.Status))
            : NotFound(id);
    }

    public static async Task<Results<Ok<BatchJobStatus[]>, ProblemHttpResult>> ListJobs(
        [AsParameters] JobAccessServices services, int? limit, string? state, CancellationToken cancellationToken)
    {
        if (state is not null && !States.Contains(state))
        {
            return BadRequest($"state must be one of {string.Join(", ", States)}, not '{state}'.");
        }
        var caller = ApiCaller.From(services.User);
        var jobs = await services.Store.ListRecentAsync(Math.Clamp(limit ?? DefaultListSize, 1, MaxListSize), state, caller.JobOwnerFilter, cancellationToken);
        var queue = services.Circuits.Redis.Status;
        return TypedResults.Ok(jobs.Select(job => BatchJobStatus.For(job, caller, queue)).ToArray());
    }

    public static async Task<Results<Ok<BatchJobResultsPage>, PushStreamHttpResult, ProblemHttpResult>> GetResults(
        Guid id, [AsParameters] BatchJobServices services, int? after, int? limit, string? format, CancellationToken cancellationToken)
    {
        if (await services.Store.FindAsync(id, ApiCaller.From(services.User).JobOwnerFilter, cancellationToken) is not { } job)
        {
            return NotFound(id);
        }

        switch (format?.ToLowerInvariant())
        {
            case null or "json":
                var options = services.Options.Value;
                var size = Math.Clamp(limit ?? options.DefaultPageSize, 1, options.MaxPageSize);
                var results = await services.Store.ReadResultsAsync(id, after ?? -1, size, cancellationToken);
                var next = results.Count == size ? $"/api/jobs/{id}/results?after={results[^1].ItemIndex}&limit={size}" : null;
                return TypedResults.Ok(new BatchJobResultsPage(id, job.State, job.TotalItems, [.. results.Select(BatchJobResultItem.From)], next));
            case "ndjson":
                return TypedResults.Stream(body => JobResultDownloads.WriteNdjsonAsync(body, services.Store, id, cancellationToken),
                    JobResultDownloads.NdjsonContentType, $"job-{id}.ndjson");
            case "csv":
                return TypedResults.Stream(body => JobResultDownloads.WriteCsvAsync(body, services.Store, id, cancellationToken),
                    JobResultDownloads.CsvContentType, $"job-{id}.csv");
            default:
                return BadRequest($"format must be json, ndjson or csv, not '{format}'.");
        }
    }

    public static async Task<Results<Ok<BatchJobStatus>, ProblemHttpResult>> CancelJob(
        Guid id, [AsParameters] JobAccessServices services, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(services.User);
        var before = caller.IsAdmin ? await services.Store.FindAsync(id, cancellationToken) : null;
        var outcome = await services.Store.CancelAsync(id, caller.JobOwnerFilter, cancellationToken);
        if (outcome == CancelOutcome.NotFound)
        {
            return NotFound(id);
        }
        var job = (await services.Store.FindAsync(id, cancellationToken))!;
        if (outcome == CancelOutcome.Cancelled && caller.IsAdmin)
        {
            await services.Audit.WriteAsync(caller, AuditActions.JobCancel, $"job:{id}", BatchJobStatus.For(before!, caller),
                BatchJobStatus.For(job, caller), AuditChannels.Rest);
        }
        return outcome == CancelOutcome.AlreadyFinished
            ? TypedResults.Problem(detail: $"Job {id} already {job.State}; there is nothing left to cancel.",
                statusCode: StatusCodes.Status409Conflict, title: "Job already finished")
            : TypedResults.Ok(BatchJobStatus.For(job, caller, services.Circuits.Redis.Status));
    }

    /// <summary>Any servable model, text or image; the default text model when none is named.</summary>
    private static ModelVersion Resolve(BatchJobServices services, string? model, int? version, int? top)
    {
        if (version is < 1)
        {
            throw InferenceException.InvalidInput($"version must be a positive number, not {version}.");
        }
        if (top is < 1)
        {
            throw InferenceException.InvalidInput($"top must be at least 1, not {top}.");
        }
        return services.Repository.Resolve(model ?? services.Inference.Value.DefaultTextModel, version);
    }

    /// <summary>Refuses an oversized body from its Content-Length, and caps what is read when the length is not declared.</summary>
    private static void LimitBody(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new InferenceException(InferenceErrorKind.PayloadTooLarge,
                $"The submission is {request.ContentLength / (1024 * 1024.0):0.#} MiB; at most {maxBytes / (1024 * 1024.0):0.#} MiB are accepted. Split the job.");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }
    }

    private static async Task<BatchJobRequest> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFromJsonAsync<BatchJobRequest>(cancellationToken)
                ?? throw InferenceException.InvalidInput("The body is JSON null; send an object with 'model' and 'items'.");
        }
        catch (JsonException exception)
        {
            throw InferenceException.InvalidInput($"The body is not valid JSON for a job: {exception.Message}");
        }
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException
                                              || exception is BadHttpRequestException { StatusCode: not StatusCodes.Status413PayloadTooLarge })
        {
            throw InferenceException.InvalidInput($"The multipart body could not be read: {exception.Message}");
        }
    }

    private static async Task<IReadOnlyList<JobItem>> ReadFileAsync(
        IFormCollection form, string? column, string kind, BatchJobServices services, CancellationToken cancellationToken)
    {
        var file = form.Files.GetFile("file")
            ?? throw InferenceException.InvalidInput("The form has no 'file' field; upload the text or CSV file as 'file'.");
        using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var (values, positions) = await JobFileReader.ReadAsync(reader, column, services.Options.Value.MaxItems, cancellationToken);
        return services.Items.FromValues(values, positions, kind);
    }

    private static string? Text(IFormCollection form, string field) =>
        form.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString() : null;

    /// <summary>A zero-shot or embedding job's parameters as form fields: one <c>candidateLabels</c> field per label.</summary>
    private static JobTaskParameters TaskParameters(IFormCollection form) => new(
        form.TryGetValue("candidateLabels", out var labels) && labels.Count > 0 ? [.. labels.Select(label => label ?? "")] : null,
        Text(form, "hypothesisTemplate"),
        Boolean(form, "multiLabel"),
        Text(form, "pooling"),
        Boolean(form, "normalize"));

    private static bool? Boolean(IFormCollection form, string field) =>
        Text(form, field) is not { } text ? null
        : bool.TryParse(text, out var flag) ? flag
        : throw InferenceException.InvalidInput($"The form field '{field}' must be true or false, not '{text}'.");

    private static int? Integer(IFormCollection form, string field) =>
        Text(form, field) is not { } text ? null
        : int.TryParse(text, out var number) ? number
        : throw InferenceException.InvalidInput($"The form field '{field}' must be a whole number, not '{text}'.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(detail: $"Job {id} does not exist (or has passed its retention).", statusCode: StatusCodes.Status404NotFound, title: "Job not found");

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid input");
}
